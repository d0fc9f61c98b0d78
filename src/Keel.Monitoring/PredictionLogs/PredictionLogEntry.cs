using Keel.Core.Models;

namespace Keel.Monitoring.PredictionLogs;

/// <summary>
/// One logged request as a serving host captures it: its columns are the request's and the answer's own batches,
/// held by reference (never copied on the request path) and expanded into rows only when a segment is built.
/// A request of N rows becomes N records; one that failed before its input was read becomes one record without values.
/// </summary>
public sealed class PredictionLogEntry
{
    /// <summary>The request's id (the client's <c>X-Request-Id</c>, or generated).</summary>
    public required string RequestId { get; init; }

    /// <summary>When the request arrived.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The deployment, or the served model's name.</summary>
    public string Deployment { get; set; } = "";

    /// <summary>The registered model that answered ("" when none did).</summary>
    public string Model { get; set; } = "";

    /// <summary>Its version ("" when none answered).</summary>
    public string Version { get; set; } = "";

    /// <summary>The route that answered; <c>default</c> when one model is served.</summary>
    public string Route { get; set; } = "default";

    /// <summary>True for a shadow route's answer.</summary>
    public bool Shadow { get; set; }

    /// <summary>Time from arrival to answer, in milliseconds.</summary>
    public double LatencyMs { get; set; }

    /// <summary>The HTTP status answered.</summary>
    public int Status { get; set; }

    /// <summary>The request's columns, once read; null when the request failed before.</summary>
    public DataBatch? Inputs { get; set; }

    /// <summary>The answer's columns; null for a failed request.</summary>
    public DataBatch? Outputs { get; set; }

    /// <summary>How many records this entry becomes (at least 1).</summary>
    public int RowCount => Math.Max(1, Math.Max(Inputs?.RowCount ?? 0, Outputs?.RowCount ?? 0));
}
