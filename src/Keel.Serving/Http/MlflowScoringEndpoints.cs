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

    private static Task Invocations(HttpContext context, ScoringPipeline pipeline, IModelScorer scorer) =>
        pipeline.RunAsync(context, ServingProtocols.Mlflow, failure => ServingErrors.WriteMlflowAsync(context, failure), async (current, ct) =>
        {
            var contentType = context.Request.ContentType;
            var mediaType = MediaTypeHeaderValue.TryParse(contentType, out var parsed) ? parsed.MediaType.Value : null;
            if (mediaType is null || !MlflowScoringRequest.ContentTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
            {
                throw new ServingFailureException(ServingFailure.UnsupportedMediaType(
                    $"Content type '{contentType}' is not supported; send {string.Join(" or ", MlflowScoringRequest.ContentTypes)}."));
            }

            var body = await RequestBody.ReadAsync(context.Request, ct);
            var request = MlflowScoringRequest.Parse(body.Span, mediaType.ToLowerInvariant(), current.Inputs);
            var result = await ScoringPipeline.ScoreAsync(scorer, context.Request, request.Batch, ct);
            ScoringPipeline.SetResultHeaders(context.Response, result);
            context.Response.ContentType = MlflowScoringRequest.JsonContentType;
            await context.Response.Body.WriteAsync(MlflowScoringResponse.Write(result.Outputs), ct);
            return result.Version;
        });

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
