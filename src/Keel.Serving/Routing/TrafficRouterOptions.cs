using Keel.Serving.Metrics;
using Microsoft.Extensions.Logging;

namespace Keel.Serving.Routing;

/// <summary>How a <see cref="TrafficRouter"/> picks routes and mirrors requests to shadows.</summary>
public sealed record TrafficRouterOptions
{
    /// <summary>Seeds the random choice of route for requests without a routing key; null for <see cref="Random.Shared"/>.</summary>
    public int? Seed { get; init; }

    /// <summary>
    /// Most shadow requests running at once, over all shadows (default 64). A request arriving when the cap is
    /// reached is not mirrored; it is counted with outcome <c>dropped</c>.
    /// </summary>
    public int MaxPendingShadows { get; init; } = 64;

    /// <summary>Largest absolute difference between two numeric outputs still counted as agreement (default 1e-6).</summary>
    public double ShadowTolerance { get; init; } = 1e-6;

    /// <summary>A file that receives one JSON line per shadow comparison (appended; created when missing); null for none.</summary>
    public string? ShadowLogPath { get; init; }

    /// <summary>Receives every shadow comparison instead of <see cref="ShadowLogPath"/>'s file; the caller disposes it.</summary>
    public IShadowRecorder? ShadowRecorder { get; init; }

    /// <summary>
    /// The serving host's metrics: <c>keel_serving_shadow_requests_total{deployment,shadow,outcome}</c> is added to
    /// its registry (so <c>/metrics</c> exports it). Null keeps the counter in a registry of its own.
    /// </summary>
    public ServingMetrics? Metrics { get; init; }

    /// <summary>The clock for comparison timestamps; null for the system clock.</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>Receives failed shadows and failed recordings; null for none.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>Logs each shadow's answer to a logged request (shadow = true, same request id); null for none.</summary>
    public Monitoring.PredictionLogger? PredictionLog { get; init; }
}
