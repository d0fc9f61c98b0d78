namespace Keel.Client;

/// <summary>Settings of a <see cref="KeelClient"/>. Values are read once, when the client is constructed.</summary>
public sealed class KeelClientOptions
{
    /// <summary>
    /// Base address of the tracking server, for example <c>http://127.0.0.1:5000</c>. Must be an absolute
    /// <c>http</c> or <c>https</c> URI; a path (a server behind a reverse-proxy prefix) is kept.
    /// </summary>
    public required Uri TrackingUri { get; set; }

    /// <summary>
    /// Time allowed for one HTTP attempt, including sending a request body (an uploaded artifact) and,
    /// for JSON calls, reading the whole answer; a download's body is bounded only by the caller's token.
    /// Default 100 seconds. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> disables it; otherwise it must
    /// be between 10 milliseconds and 24 hours. An attempt that times out counts as a transient failure.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// Retries after a transient failure (HTTP 408, 429, 5xx, a connection error or a timeout), in addition
    /// to the first attempt. Other 4xx answers are never retried. Default 3; 0 disables retries.
    /// </summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>
    /// Median delay before the first retry; later retries back off exponentially with jitter, capped at
    /// 30 seconds, and honour a server's <c>Retry-After</c> header. Default 1 second.
    /// </summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often a <see cref="KeelRun"/> sends the metrics buffered by <see cref="KeelRun.LogMetric"/>.
    /// Default 1 second; must be positive.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Most metrics sent in one <c>runs/log-batch</c> request; a <see cref="KeelRun"/> also flushes as soon
    /// as this many metrics are buffered. Default 1000, which is also MLflow's limit; must be 1 to 1000.
    /// </summary>
    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>
    /// Artifact files of at least this many bytes move directly between this machine and the server's object
    /// store, when the server offers it (an S3 artifact store): uploads with MLflow's multipart upload, downloads
    /// with a presigned GET. Smaller files, and every file when the server cannot presign (a local artifact
    /// folder), go through the server's artifact proxy. Default 64 MiB; must not be negative.
    /// </summary>
    public long DirectTransferThreshold { get; set; } = 64L << 20;

    /// <summary>
    /// Bytes per part of a multipart upload, and the memory one part in flight holds. Default 16 MiB; must be
    /// 5 MiB (S3's smallest part) to 1 GiB. Raised automatically for files that would need over 10,000 parts.
    /// </summary>
    public int MultipartPartSize { get; set; } = 16 << 20;

    /// <summary>
    /// Most parts of one multipart upload sent at the same time, so memory stays near this times
    /// <see cref="MultipartPartSize"/>. Default 4; must be 1 to 64.
    /// </summary>
    public int MaxParallelParts { get; set; } = 4;

    /// <summary>
    /// Who this client acts as: sent as the <c>X-Keel-User</c> header with model registry writes (alias moves, version
    /// deletes), so a Keel server's alias history names them. Null or blank sends the OS user name [default: null].
    /// </summary>
    public string? User { get; set; }

    /// <summary>
    /// Clock for metric and run timestamps, the flush timer and retry delays. Default <see cref="TimeProvider.System"/>.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
