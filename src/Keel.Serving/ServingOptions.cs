namespace Keel.Serving;

/// <summary>How <c>keel serve</c> serves one model.</summary>
public sealed record ServingOptions
{
    /// <summary>The model to serve: <c>models:/name@alias</c> (followed when the alias moves), <c>models:/name/3</c>, <c>runs:/…</c>.</summary>
    public required string ModelUri { get; init; }

    public string Host { get; init; } = "127.0.0.1";

    /// <summary>HTTP/1.1 port for MLflow's /invocations and the Open Inference Protocol's REST API; 0 picks a free one.</summary>
    public int Port { get; init; } = 5001;

    /// <summary>HTTP/2 (cleartext) port for the Open Inference Protocol's gRPC API; 0 picks a free one, null turns gRPC off.</summary>
    public int? GrpcPort { get; init; } = 5002;

    /// <summary>Most rows one predictor call takes when concurrent requests are coalesced; 1 turns batching off.</summary>
    public int MaxBatchSize { get; init; } = 64;

    /// <summary>Longest a request waits for others to join its batch.</summary>
    public TimeSpan MaxBatchDelay { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>How often the model URI is resolved again to notice a moved alias.</summary>
    public TimeSpan ReloadInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest request body accepted; larger ones get 413.</summary>
    public long MaxRequestBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>Fraction of requests whose inputs and outputs are logged (0 to 1; default 1, every request; 0 turns logging off). Needs a <see cref="Monitoring.PredictionLogger"/>.</summary>
    public double LogPredictions { get; init; } = 1.0;

    /// <summary>Rows after which the prediction log writes a segment (default 10,000).</summary>
    public int LogFlushRows { get; init; } = 10_000;

    /// <summary>Longest a logged row waits before its segment is written (default 30 s).</summary>
    public TimeSpan LogFlushInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Most logged rows waiting in memory; more are dropped and counted (default 100,000).</summary>
    public int LogBufferRows { get; init; } = 100_000;
}
