using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Keel.Web.Api;

/// <summary>
/// JSON for the pages' scripts under <c>/ui-api/</c>. Errors are the API's JSON errors (400 naming the parameter,
/// 404 for an unknown run).
/// </summary>
internal static class UiApi
{
    public const int DefaultPoints = 1000;
    public const int MaxPoints = 10_000;

    public static void MapUiApi(this IEndpointRouteBuilder ui) =>
        ui.MapGet("/ui-api/runs/{runId}/metrics/{**key}", MetricAsync);

    /// <summary>
    /// <c>GET /ui-api/runs/{run}/metrics/{key}?min_step=&amp;max_step=&amp;points=N</c>: the history's points with
    /// steps in [min_step, max_step] (both optional, inclusive), downsampled to at most N (default 1000, 2 to 10,000).
    /// </summary>
    private static async Task<IResult> MetricAsync(
        string runId, string? key, string? min_step, string? max_step, string? points, TrackingService tracking, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw KeelException.InvalidParameter("Missing value for parameter 'key': name the metric after /metrics/.");
        }
        var minStep = Long(min_step, "min_step") ?? long.MinValue;
        var maxStep = Long(max_step, "max_step") ?? long.MaxValue;
        if (minStep > maxStep)
        {
            throw KeelException.InvalidParameter($"Invalid value '{min_step}' for parameter 'min_step': it must not exceed max_step ({max_step}).");
        }
        var limit = Points(points);
        var history = await tracking.GetMetricHistoryAsync(runId, key, null, null, ct);
        var inRange = minStep == long.MinValue && maxStep == long.MaxValue
            ? history.Items
            : history.Items.Where(m => m.Step >= minStep && m.Step <= maxStep).ToArray();
        var drawn = MetricDownsampler.Downsample(inRange, limit);
        var series = new MetricSeries(runId, key, inRange.Count, drawn.Count < inRange.Count,
            [.. drawn.Select(m => m.Step)],
            [.. drawn.Select(m => m.Timestamp)],
            [.. drawn.Select(m => double.IsFinite(m.Value) ? m.Value : (double?)null)]);
        return TypedResults.Json(series, UiApiJsonContext.Default.MetricSeries);
    }

    private static long? Long(string? text, string name)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw KeelException.InvalidParameter($"Invalid value '{text}' for parameter '{name}': expected a whole number (a step).");
    }

    private static int Points(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return DefaultPoints;
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 2 and <= MaxPoints
            ? value
            : throw KeelException.InvalidParameter(
                $"Invalid value '{text}' for parameter 'points': expected a whole number from 2 to {MaxPoints}.");
    }
}
