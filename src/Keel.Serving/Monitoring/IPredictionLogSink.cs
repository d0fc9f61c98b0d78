namespace Keel.Serving.Monitoring;

/// <summary>Where a serving host ships its prediction-log segments (see <see cref="PredictionLogger"/>).</summary>
public interface IPredictionLogSink
{
    /// <summary>
    /// Stores one segment: a Parquet file in the layout of <c>Keel.Monitoring.PredictionLogs.PredictionLogColumns</c>,
    /// named by <c>PredictionSegmentName</c>. A failure is counted and logged by the caller; the segment is then lost.
    /// </summary>
    /// <param name="deployment">The deployment (or served model) the rows belong to.</param>
    /// <param name="segmentName">The segment's name, without extension.</param>
    /// <param name="parquet">The segment's bytes.</param>
    /// <param name="ct">Cancels the upload.</param>
    Task WriteSegmentAsync(string deployment, string segmentName, ReadOnlyMemory<byte> parquet, CancellationToken ct = default);
}
