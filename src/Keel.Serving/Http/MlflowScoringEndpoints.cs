using System.Reflection;
using Keel.Core.Serving;
using Keel.Serving.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Keel.Serving.Http;

/// <summary>MLflow's scoring protocol, as <c>mlflow models serve</c> answers it: /invocations, /ping, /health, /version.</summary>
internal static class MlflowScoringEndpoints
{
    private static readonly string KeelVersion =
        typeof(MlflowScoringEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static IEndpointRouteBuilder MapMlflowScoringEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/invocations", Invocations);
        app.MapGet("/ping", (IModelScorer scorer) =>
            scorer.Current is null ? Results.Text("", statusCode: StatusCodes.Status503ServiceUnavailable) : Results.Text("\n"));
        app.MapGet("/health", Health);
        app.MapGet("/version", () => Results.Text(KeelVersion));
        return app;
    }

    private static Task Invocations(HttpContext context, ScoringPipeline pipeline) =>
        pipeline.RunAsync(context, ServingProtocols.Mlflow, ServingErrors.WriteMlflowAsync, ScoreAsync);

    private static async Task<ServedVersion> ScoreAsync(ScoringPipeline pipeline, HttpContext context, ServedVersion current)
    {
        var ct = context.RequestAborted;
        var contentType = context.Request.ContentType;
        if (!IsAccepted(contentType))
        {
            throw new ServingFailureException(ServingFailure.UnsupportedMediaType(
                $"Content type '{contentType}' is not supported; send {string.Join(" or ", MlflowScoringRequest.ContentTypes)}."));
        }

        ScoringRequest request;
        using (var body = await RequestBody.ReadAsync(context.Request, ct))
        {
            request = MlflowScoringRequest.Parse(body.Span, contentType, current.Inputs);
        }

        pipeline.CheckParams(current, request.Params);

        var result = await pipeline.ScoreAsync(context.Request, request.Batch, ct);
        ScoringPipeline.SetResultHeaders(context.Response, result);
        context.Response.ContentType = MlflowScoringRequest.JsonContentType;
        PooledJson.Write(context.Response, result.Outputs, static (json, outputs) => MlflowScoringResponse.Write(json, outputs));
        return result.Version;
    }

    // The common exact header skips parsing; anything else is parsed as a media type (parameters such as charset ignored).
    private static bool IsAccepted(string? contentType)
    {
        if (string.Equals(contentType, MlflowScoringRequest.JsonContentType, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var mediaType = MediaTypeHeaderValue.TryParse(contentType, out var parsed) ? parsed.MediaType.Value : null;
        return mediaType is not null && MlflowScoringRequest.ContentTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase);
    }

    private static Task Health(HttpContext context, IModelScorer scorer, ServingOptions options)
    {
        var current = scorer.Current;
        return ServingErrors.WriteJsonAsync(context, current is null ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK, json =>
        {
            json.WriteString("status", current is null ? "loading" : "ok");
            json.WriteString("model_uri", options.ModelUri);
            if (current is not null)
            {
                json.WriteString("model", current.ModelName);
                json.WriteString("version", current.Version);
                json.WriteString("flavor", current.Flavor);
            }
        });
    }
}
