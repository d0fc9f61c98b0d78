using Keel.Core.Models;
using Keel.Monitoring.PredictionLogs;
using Keel.Serving.Routing;
using Keel.Serving.Runtime;
using Microsoft.AspNetCore.Http;

namespace Keel.Serving.Monitoring;

// How the protocol endpoints feed the prediction logger: Begin when a request arrives (request id, sampling), Observe
// when its input is scored, End when it has been answered. The entry travels in the request's feature collection
// (Kestrel reuses its slot per connection, so this allocates nothing per request), and, behind a deployment with
// shadows, in an async-local that the shadow mirror reads. Every step swallows its own failures.
internal static class PredictionCapture
{
    /// <summary>The header a client may send to name its request, and in which every answer names it.</summary>
    public const string RequestIdHeader = "X-Request-Id";

    // The logged request being scored on this flow, read by ShadowMirror when it copies the request to a shadow.
    private static readonly AsyncLocal<PredictionLogEntry?> Ambient = new();

    public static PredictionLogEntry? Current => Ambient.Value;

    public static PredictionLogEntry? Begin(PredictionLogger? logger, HttpContext context, IModelScorer scorer)
    {
        if (logger is not { Enabled: true })
        {
            return null;
        }

        try
        {
            var given = context.Request.Headers[RequestIdHeader].ToString();
            var id = PredictionLogStore.IsValidRequestId(given) ? given : RequestIds.Next();
            context.Response.Headers[RequestIdHeader] = id;
            var entry = logger.Sample(id);
            if (entry is null)
            {
                return null;
            }

            context.Features.Set(entry);
            if (scorer is TrafficRouter router)
            {
                var spec = router.Spec;
                entry.Deployment = spec.Name;
                if (spec.Shadows.Count > 0)
                {
                    Ambient.Value = entry;
                }
            }
            return entry;
        }
#pragma warning disable CA1031 // Logging must never fail the request it describes.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.OnError(e);
            return null;
        }
    }

    /// <summary>
    /// Notes the input being scored; returns <paramref name="scoring"/> unchanged. The answer is noted when the endpoint
    /// names it in the response headers (<see cref="Answer"/>), so no wrapper task is needed here.
    /// </summary>
    public static Task<ScoreResult> Observe(HttpContext context, DataBatch input, Task<ScoreResult> scoring)
    {
        Input(context, input);
        return scoring;
    }

    /// <summary>Notes the input being scored (for a protocol that scores outside <see cref="Observe"/>).</summary>
    public static void Input(HttpContext context, DataBatch input)
    {
        if (context.Features.Get<PredictionLogEntry>() is { } entry)
        {
            entry.Inputs = input;
        }
    }

    /// <summary>Notes the answer (for a protocol that scores outside <see cref="Observe"/>).</summary>
    public static void Answer(HttpContext context, ScoreResult result)
    {
        if (context.Features.Get<PredictionLogEntry>() is { } entry)
        {
            Answered(entry, result);
        }
    }

    /// <summary>Queues the answered request: <paramref name="status"/> as HTTP, outputs only when it is 200.</summary>
    public static void End(PredictionLogger logger, PredictionLogEntry entry, int status, TimeSpan elapsed, ServedVersion? served)
    {
        try
        {
            entry.Status = status;
            entry.LatencyMs = elapsed.TotalMilliseconds;
            if (status != StatusCodes.Status200OK)
            {
                entry.Outputs = null;
            }
            if (entry.Model.Length == 0 && served is not null)
            {
                entry.Model = served.ModelName;
                entry.Version = served.Version;
            }
        }
#pragma warning disable CA1031 // Logging must never fail the request it describes.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.OnError(e);
            return;
        }
        logger.Complete(entry);
    }

    /// <summary>Queues a shadow's answer to a logged request (status 500 and no outputs when the shadow failed).</summary>
    public static void Shadow(
        PredictionLogger logger, PredictionLogEntry origin, string route, DataBatch input, ScoreResult? result, ServedVersion? served, TimeSpan elapsed)
    {
        try
        {
            var version = result?.Version ?? served;
            logger.Complete(new PredictionLogEntry
            {
                RequestId = origin.RequestId,
                Timestamp = origin.Timestamp,
                Deployment = origin.Deployment,
                Model = version?.ModelName ?? "",
                Version = version?.Version ?? "",
                Route = route,
                Shadow = true,
                LatencyMs = elapsed.TotalMilliseconds,
                Status = result is null ? StatusCodes.Status500InternalServerError : StatusCodes.Status200OK,
                Inputs = input,
                Outputs = result?.Outputs,
            });
        }
#pragma warning disable CA1031 // Logging must never fail the shadow's comparison.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.OnError(e);
        }
    }

    private static void Answered(PredictionLogEntry entry, ScoreResult result)
    {
        entry.Outputs = result.Outputs;
        entry.Model = result.Version.ModelName;
        entry.Version = result.Version.Version;
        entry.Route = result.Route ?? "default";
    }
}
