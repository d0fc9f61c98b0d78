using Prometheus;

namespace Keel.Serving.Metrics;

/// <summary>What the prediction logger did, exported on the serving host's <c>/metrics</c>.</summary>
public sealed class PredictionLogMetrics
{
    internal PredictionLogMetrics(IMetricFactory factory)
    {
        Records = factory.CreateCounter("keel_prediction_log_records_total", "Prediction rows accepted into the log buffer.");
        Dropped = factory.CreateCounter("keel_prediction_log_dropped_total", "Prediction rows not logged because the log buffer was full.");
        Segments = factory.CreateCounter("keel_prediction_log_segments_total", "Prediction-log segments shipped to the sink.");
        Errors = factory.CreateCounter(
            "keel_prediction_log_errors_total", "Failures of the prediction logger (capturing, building or shipping a segment); predictions are unaffected.");
    }

    /// <summary>Rows accepted into the buffer.</summary>
    public Counter Records { get; }

    /// <summary>Rows dropped because the buffer was full.</summary>
    public Counter Dropped { get; }

    /// <summary>Segments shipped.</summary>
    public Counter Segments { get; }

    /// <summary>Capture, build or ship failures.</summary>
    public Counter Errors { get; }
}
