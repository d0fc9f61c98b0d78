using Keel.Core.Models;
using Keel.Serving.Metrics;
using Keel.Serving.Routing;
using Keel.Serving.Runtime;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Keel.Serving.Http;

/// <summary>The wire protocols the serving host speaks, as the metrics' <c>protocol</c> label.</summary>
internal static class ServingProtocols
{
    public const string Mlflow = "mlflow";
    public const string OipRest = "oip_rest";
}

/// <summary>
/// What every scoring request goes through whatever its protocol: a loaded version, the protocol's error JSON
/// for each refusal, the model-version headers, and the request counted on /metrics.
/// </summary>
internal sealed partial class ScoringPipeline(
    IModelScorer scorer, ServingMetrics metrics, ServingOptions options, TimeProvider time, ILogger<ScoringPipeline> logger)
{
    public const string ModelHeader = "X-Keel-Model";
    public const string VersionHeader = "X-Keel-Model-Version";
    public const string RouteHeader = "X-Keel-Route";

    /// <summary>
    /// Runs <paramref name="handle"/> with the version being served; it writes the answer and returns the version
    /// that made it. A failure becomes the protocol's error (<paramref name="writeError"/>).
    /// </summary>
    public async Task RunAsync(
        HttpContext context,
        string protocol,
        Func<ServingFailure, Task> writeError,
        Func<ServedVersion, CancellationToken, Task<ServedVersion>> handle)
    {
        var started = time.GetTimestamp();
        var labels = scorer.Current;
        try
        {
            var current = scorer.Current;
            if (current is null)
            {
                await FailAsync(ServingFailure.NotReady(options.ModelUri));
                return;
            }

            labels = await handle(current, context.RequestAborted);
        }
        catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var failure = ServingErrors.Classify(e, options.MaxRequestBytes);
            if (failure is null)
            {
                LogUnhandled(logger, e, context.Request.Path);
            }

            await FailAsync(failure ?? ServingErrors.Internal);
        }
        finally
        {
            metrics.OnRequest(
                labels?.ModelName ?? "", labels?.Version ?? "", protocol,
                context.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), time.GetElapsedTime(started));
        }

        async Task FailAsync(ServingFailure failure)
        {
            metrics.OnError(labels?.ModelName ?? "", labels?.Version ?? "", protocol, failure.Kind);
            context.Response.Clear();
            if (labels is not null)
            {
                SetVersionHeaders(context.Response, labels);
            }

            await writeError(failure);
        }
    }

    /// <summary>Names the version that answered; set before the body is written.</summary>
    public static void SetVersionHeaders(HttpResponse response, ServedVersion version)
    {
        response.Headers[ModelHeader] = version.ModelName;
        response.Headers[VersionHeader] = version.Version;
    }

    /// <summary>Scores on the registered scorer, passing a routing scorer the value of its sticky header.</summary>
    public static Task<ScoreResult> ScoreAsync(IModelScorer scorer, HttpRequest request, DataBatch batch, CancellationToken ct) =>
        scorer is IRoutingScorer { RoutingHeader: { } header } routing
            ? routing.ScoreAsync(batch, request.Headers[header].ToString(), ct)
            : scorer.ScoreAsync(batch, ct);

    /// <summary>Names the version that answered and, behind a deployment, its route; set before the body is written.</summary>
    public static void SetResultHeaders(HttpResponse response, ScoreResult result)
    {
        SetVersionHeaders(response, result.Version);
        if (result.Route is { } route)
        {
            response.Headers[RouteHeader] = route;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error scoring {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, PathString path);
}
