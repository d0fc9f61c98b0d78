using System.Collections.Concurrent;
using System.Text.Json;
using Keel.Core.Models;
using Keel.Core.Serving;
using Keel.Serving.Metrics;
using Keel.Serving.Monitoring;
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
    IModelScorer scorer, ServingMetrics metrics, ServingOptions options, TimeProvider time, ILogger<ScoringPipeline> logger,
    PredictionLogger? predictionLog = null)
{
    public const string ModelHeader = "X-Keel-Model";
    public const string VersionHeader = "X-Keel-Model-Version";
    public const string RouteHeader = "X-Keel-Route";

    // The versions whose ignored params have been logged already.
    private readonly ConcurrentDictionary<(string Model, string Version), byte> _paramsWarned = new();

    /// <summary>What this host scores with.</summary>
    public IModelScorer Scorer => scorer;

    public ServingOptions Options => options;

    /// <summary>
    /// Runs <paramref name="handle"/> with the version being served; it writes the answer and returns the version
    /// that made it. A failure becomes the protocol's error (<paramref name="writeError"/>). Both are static
    /// delegates taking what they need as arguments, so a request allocates no closure.
    /// </summary>
    public async Task RunAsync(
        HttpContext context,
        string protocol,
        Func<HttpContext, ServingFailure, Task> writeError,
        Func<ScoringPipeline, HttpContext, ServedVersion, Task<ServedVersion>> handle)
    {
        var started = time.GetTimestamp();
        var labels = scorer.Current;
        var logged = PredictionCapture.Begin(predictionLog, context, scorer);
        try
        {
            var current = scorer.Current;
            if (current is null)
            {
                await FailAsync(ServingFailure.NotReady(options.ModelUri));
                return;
            }

            labels = await handle(this, context, current);
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
            var elapsed = time.GetElapsedTime(started);
            metrics.OnRequest(labels, protocol, context.Response.StatusCode, elapsed);
            if (logged is not null)
            {
                PredictionCapture.End(predictionLog!, logged, context.Response.StatusCode, elapsed, labels);
            }
        }

        async Task FailAsync(ServingFailure failure)
        {
            metrics.OnError(labels?.ModelName ?? "", labels?.Version ?? "", protocol, failure.Kind);
            context.Response.Clear();
            if (logged is not null)
            {
                context.Response.Headers[PredictionCapture.RequestIdHeader] = logged.RequestId;
            }
            if (labels is not null)
            {
                SetVersionHeaders(context.Response, labels);
            }

            await writeError(context, failure);
        }
    }

    /// <summary>Names the version that answered; set before the body is written.</summary>
    public static void SetVersionHeaders(HttpResponse response, ServedVersion version)
    {
        response.Headers[ModelHeader] = version.ModelName;
        response.Headers[VersionHeader] = version.Version;
    }

    /// <summary>Scores on the registered scorer, passing a routing scorer the value of its sticky header.</summary>
    public Task<ScoreResult> ScoreAsync(HttpRequest request, DataBatch batch, CancellationToken ct) =>
        PredictionCapture.Observe(request.HttpContext, batch, scorer is IRoutingScorer { RoutingHeader: { } header } routing
            ? routing.ScoreAsync(batch, request.Headers[header].ToString(), ct)
            : scorer.ScoreAsync(batch, ct));

    /// <summary>Scores on the route serving <paramref name="version"/> of <paramref name="modelName"/> when it is given, else as above.</summary>
    public Task<ScoreResult> ScoreAsync(HttpRequest request, DataBatch batch, string modelName, string? version, CancellationToken ct) =>
        string.IsNullOrEmpty(version)
            ? ScoreAsync(request, batch, ct)
            : PredictionCapture.Observe(request.HttpContext, batch, ServedModelLookup.ScoreAsync(scorer, batch, modelName, version, routingKey: null, ct));

    /// <summary>Names the version that answered and, behind a deployment, its route; set before the body is written.</summary>
    public static void SetResultHeaders(HttpResponse response, ScoreResult result)
    {
        SetServedHeaders(response, result.Version, result.Route);
        PredictionCapture.Answer(response.HttpContext, result);
    }

    /// <summary>Names a version and, behind a deployment, the route serving it; set before the body is written.</summary>
    public static void SetServedHeaders(HttpResponse response, ServedVersion version, string? route)
    {
        SetVersionHeaders(response, version);
        if (route is not null)
        {
            response.Headers[RouteHeader] = route;
        }
    }

    /// <summary>
    /// Checks a request's MLflow <c>params</c> against <paramref name="version"/>'s params schema (throws
    /// INVALID_PARAMETER_VALUE naming the param). Keel's predictors take no inference params, so the checked values,
    /// defaults filled in, go no further. Without a schema, given params are ignored with a warning, as MLflow 2.10
    /// does; once per version, so a client sending them on every request does not flood the log.
    /// </summary>
    public void CheckParams(ServedVersion version, JsonElement? given)
    {
        if (version.MlModel.Signature?.Params is { } schema)
        {
            ScoringParams.Conform(schema, given);
            return;
        }

        if (given is { ValueKind: JsonValueKind.Object } parameters && parameters.EnumerateObject().Any()
            && _paramsWarned.TryAdd((version.ModelName, version.Version), 0))
        {
            LogParamsIgnored(logger, version.ModelName, version.Version, string.Join(", ", parameters.EnumerateObject().Select(p => p.Name)));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Version {Version} of model {Model} defines no params schema in its signature; ignoring the request's params: {Params}")]
    private static partial void LogParamsIgnored(ILogger logger, string model, string version, string @params);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error scoring {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, PathString path);
}
