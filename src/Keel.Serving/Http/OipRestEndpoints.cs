using System.Reflection;
using Keel.Core.Serving;
using Keel.Serving.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Keel.Serving.Http;

/// <summary>The Open Inference Protocol v2's REST API: health, server and model metadata, readiness and inference.</summary>
internal static class OipRestEndpoints
{
    private const string JsonContentType = "application/json";

    private static readonly string KeelVersion =
        typeof(OipRestEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static IEndpointRouteBuilder MapOipRestEndpoints(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/v2");
        v2.MapGet("", () => Results.Bytes(OipMetadata.Server("keel", KeelVersion, []), JsonContentType));
        // The protocol's health answers are the status alone: 200 for true, an error status for false, no body.
        v2.MapGet("/health/live", () => Results.Ok());
        v2.MapGet("/health/ready", (IModelScorer scorer) =>
            scorer.Current is null ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable) : Results.Ok());

        foreach (var prefix in new[] { "/models/{name}", "/models/{name}/versions/{version}" })
        {
            v2.MapGet(prefix, Metadata);
            v2.MapGet(prefix + "/ready", Ready);
            v2.MapPost(prefix + "/infer", Infer);
        }

        return app;
    }

    private static Task Metadata(HttpContext context, IModelScorer scorer, ServingOptions options, string name)
    {
        if (Resolve(scorer, options, name, context.GetRouteValue("version") as string) is { Failure: { } failure })
        {
            return ServingErrors.WriteOipAsync(context, failure);
        }

        var current = scorer.Current!;
        ScoringPipeline.SetVersionHeaders(context.Response, current);
        context.Response.ContentType = JsonContentType;
        return context.Response.Body.WriteAsync(
            OipMetadata.Model(current.ModelName, [current.Version], current.Flavor, current.Inputs, current.Outputs), context.RequestAborted).AsTask();
    }

    private static Task Ready(HttpContext context, IModelScorer scorer, ServingOptions options, string name)
    {
        if (Resolve(scorer, options, name, context.GetRouteValue("version") as string) is { Failure: { } failure })
        {
            return ServingErrors.WriteOipAsync(context, failure);
        }

        ScoringPipeline.SetVersionHeaders(context.Response, scorer.Current!);
        return Task.CompletedTask;
    }

    private static Task Infer(HttpContext context, ScoringPipeline pipeline, IModelScorer scorer, ServingOptions options, string name) =>
        pipeline.RunAsync(context, ServingProtocols.OipRest, failure => ServingErrors.WriteOipAsync(context, failure), async (current, ct) =>
        {
            if (Resolve(scorer, options, name, context.GetRouteValue("version") as string) is { Failure: { } failure })
            {
                throw new ServingFailureException(failure);
            }

            var body = await RequestBody.ReadAsync(context.Request, ct);
            var request = OipInferenceRequest.Parse(body.Span, current.Inputs);
            OipInferenceResponse.ValidateRequestedOutputs(request.RequestedOutputs, current.Outputs);
            var result = await ScoringPipeline.ScoreAsync(scorer, context.Request, request.Batch, ct);
            ScoringPipeline.SetResultHeaders(context.Response, result);
            context.Response.ContentType = JsonContentType;
            var answer = OipInferenceResponse.Write(result.Version.ModelName, result.Version.Version, request.Id, result.Outputs, request.RequestedOutputs);
            await context.Response.Body.WriteAsync(answer, ct);
            return result.Version;
        });

    /// <summary>The failure when the path names a model or version other than the one served (or none has loaded yet).</summary>
    private static (ServedVersion? Version, ServingFailure? Failure) Resolve(IModelScorer scorer, ServingOptions options, string name, string? version)
    {
        var current = scorer.Current;
        if (current is null)
        {
            return (null, ServingFailure.NotReady(options.ModelUri));
        }

        if (!string.Equals(name, current.ModelName, StringComparison.Ordinal))
        {
            return (null, ServingFailure.NotFound($"Model '{name}' is not served here; this server serves model '{current.ModelName}'."));
        }

        if (version is not null && !string.Equals(version, current.Version, StringComparison.Ordinal))
        {
            return (null, ServingFailure.NotFound(
                $"Version '{version}' of model '{name}' is not served here; this server serves version '{current.Version}'."));
        }

        return (current, null);
    }
}
