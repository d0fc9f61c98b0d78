using System.Reflection;
using Keel.Core.Common;
using Keel.Core.Serving;
using Keel.Serving.Routing;
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
        var (found, failure) = Resolve(scorer, options, name, context.GetRouteValue("version") as string);
        if (failure is not null)
        {
            return ServingErrors.WriteOipAsync(context, failure);
        }

        var served = found!.Version;
        SetHeaders(context.Response, found);
        context.Response.ContentType = JsonContentType;
        return context.Response.Body.WriteAsync(
            OipMetadata.Model(served.ModelName, [served.Version], served.Flavor, served.Inputs, served.Outputs), context.RequestAborted).AsTask();
    }

    private static Task Ready(HttpContext context, IModelScorer scorer, ServingOptions options, string name)
    {
        var (found, failure) = Resolve(scorer, options, name, context.GetRouteValue("version") as string);
        if (failure is not null)
        {
            return ServingErrors.WriteOipAsync(context, failure);
        }

        SetHeaders(context.Response, found!);
        return Task.CompletedTask;
    }

    private static Task Infer(HttpContext context, ScoringPipeline pipeline) =>
        pipeline.RunAsync(context, ServingProtocols.OipRest, ServingErrors.WriteOipAsync, InferAsync);

    private static async Task<ServedVersion> InferAsync(ScoringPipeline pipeline, HttpContext context, ServedVersion current)
    {
        var ct = context.RequestAborted;
        var name = (string)context.GetRouteValue("name")!;
        var version = context.GetRouteValue("version") as string;
        var (found, failure) = Resolve(pipeline.Scorer, pipeline.Options, name, version);
        if (failure is not null)
        {
            throw new ServingFailureException(failure);
        }

        // A request naming a version is read against that version's signature, which its route may not share with the heaviest.
        var target = found!.Version;
        OipInferenceRequest request;
        using (var body = await RequestBody.ReadAsync(context.Request, ct))
        {
            request = OipInferenceRequest.Parse(body.Span, target.Inputs);
        }

        OipInferenceResponse.ValidateRequestedOutputs(request.RequestedOutputs, target.Outputs);
        var result = await pipeline.ScoreAsync(context.Request, request.Batch, name, version, ct);
        ScoringPipeline.SetResultHeaders(context.Response, result);
        context.Response.ContentType = JsonContentType;
        var answer = OipInferenceResponse.Write(result.Version.ModelName, result.Version.Version, request.Id, result.Outputs, request.RequestedOutputs);
        await context.Response.Body.WriteAsync(answer, ct);
        return result.Version;
    }

    private static void SetHeaders(HttpResponse response, RoutedVersion found) =>
        ScoringPipeline.SetServedHeaders(response, found.Version, found.Route);

    /// <summary>What the path names (a version picks the route serving it), or the failure when nothing served matches or none has loaded yet.</summary>
    private static (RoutedVersion? Found, ServingFailure? Failure) Resolve(IModelScorer scorer, ServingOptions options, string name, string? version)
    {
        var current = scorer.Current;
        if (current is null)
        {
            return (null, ServingFailure.NotReady(options.ModelUri));
        }

        try
        {
            return (ServedModelLookup.Find(scorer, current, name, version), null);
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            return (null, ServingFailure.NotFound(e.Message));
        }
    }
}
