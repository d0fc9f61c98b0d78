using Keel.Client;

namespace Keel.Serving.Monitoring;

/// <summary>Ships segments to the tracking server (<c>PUT /api/keel/v1/deployments/{name}/prediction-logs/{segment}</c>), which stores them in its blob store.</summary>
public sealed class TrackingServerPredictionLogSink(KeelClient client) : IPredictionLogSink
{
    /// <inheritdoc />
    public Task WriteSegmentAsync(string deployment, string segmentName, ReadOnlyMemory<byte> parquet, CancellationToken ct = default) =>
        client.UploadPredictionLogSegmentAsync(deployment, segmentName, parquet, ct);
}
