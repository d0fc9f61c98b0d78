namespace Keel.Monitoring.PredictionLogs;

/// <summary>
/// The columns of a prediction-log segment (Parquet): the fixed ones below, in this order, then one nullable column
/// per input named <c>in.&lt;feature&gt;</c> and per output named <c>out.&lt;name&gt;</c>, each double, long (int64),
/// bool or string as the values seen decide.
/// </summary>
public static class PredictionLogColumns
{
    /// <summary>string: the request's id (shared by its rows).</summary>
    public const string RequestId = "request_id";

    /// <summary>int32: the row's index within its request.</summary>
    public const string Row = "row";

    /// <summary>timestamp (UTC, microseconds): when the request arrived.</summary>
    public const string Timestamp = "timestamp";

    /// <summary>string: the deployment (or the served model's name).</summary>
    public const string Deployment = "deployment";

    /// <summary>string: the registered model that answered.</summary>
    public const string Model = "model";

    /// <summary>string: its version.</summary>
    public const string Version = "version";

    /// <summary>string: the route that answered.</summary>
    public const string Route = "route";

    /// <summary>bool: true for a shadow's answer.</summary>
    public const string Shadow = "shadow";

    /// <summary>double: the request's latency in milliseconds.</summary>
    public const string LatencyMs = "latency_ms";

    /// <summary>int32: the HTTP status answered.</summary>
    public const string Status = "status";

    /// <summary>Prefix of an input column.</summary>
    public const string InputPrefix = "in.";

    /// <summary>Prefix of an output column.</summary>
    public const string OutputPrefix = "out.";

    /// <summary>The fixed columns, in order.</summary>
    public static IReadOnlyList<string> Fixed { get; } = [RequestId, Row, Timestamp, Deployment, Model, Version, Route, Shadow, LatencyMs, Status];

    /// <summary>The longest request id accepted (in a segment or a label).</summary>
    public const int MaxRequestIdLength = 128;
}
