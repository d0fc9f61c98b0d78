using System.Runtime.ExceptionServices;
using Keel.Client.Internal;
using Keel.Contracts.Mlflow;

namespace Keel.Client;

/// <summary>
/// An open run, from <see cref="KeelClient.StartRunAsync"/>. Metrics logged with <see cref="LogMetric"/> are buffered
/// and sent as <c>runs/log-batch</c> requests by a background loop every <see cref="KeelClientOptions.FlushInterval"/>,
/// or as soon as <see cref="KeelClientOptions.MaxBatchSize"/> are waiting. Disposing flushes and ends the run.
/// </summary>
/// <remarks>
/// <para>
/// A run cannot see the exception that ends its scope, so mark failure explicitly; disposal then ends the run as
/// <c>FAILED</c> instead of <c>FINISHED</c>:
/// <code>
/// await using var run = await client.StartRunAsync(experimentId);
/// try
/// {
///     Train(run);
/// }
/// catch
/// {
///     run.MarkFailed();
///     throw;
/// }
/// </code>
/// </para>
/// <para>
/// No metric is dropped silently. When a background flush fails transiently (the server is down, say), its metrics
/// stay buffered and are resent by the next flush; <see cref="FlushAsync"/>, <see cref="EndAsync"/> and
/// <see cref="DisposeAsync"/> throw if they still cannot be sent. A batch the server rejects (a 4xx other than 408
/// and 429) would be rejected again, so it is dropped and its <see cref="KeelApiException"/> is thrown by the next
/// <see cref="FlushAsync"/>, <see cref="EndAsync"/> or <see cref="DisposeAsync"/>.
/// </para>
/// <para><see cref="LogMetric"/> is thread-safe; call <see cref="EndAsync"/> and <see cref="DisposeAsync"/> from one thread.</para>
/// </remarks>
public sealed class KeelRun : IAsyncDisposable
{
    private readonly KeelClient _client;
    private readonly Lock _gate = new();
    private readonly List<MetricDto> _buffer = [];
    private readonly SemaphoreSlim _flushLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly PeriodicTimer _timer;
    private readonly Task _loop;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ExceptionDispatchInfo? _rejection;
    private bool _closing;
    private bool _ended;
    private bool _failed;
    private bool _loopStopped;
    private int _disposed;

    internal KeelRun(KeelClient client, RunInfoDto info)
    {
        _client = client;
        RunId = info.RunId;
        ExperimentId = info.ExperimentId;
        ArtifactUri = info.ArtifactUri ?? string.Empty;
        // Created here, not in the loop, so the first tick is one interval after the run starts, whatever the clock.
        _timer = new PeriodicTimer(client.FlushInterval, client.TimeProvider);
        _loop = Task.Run(FlushLoopAsync);
    }

    /// <summary>The client the run logs through (for registry calls and helpers built on the SDK).</summary>
    public KeelClient Client => _client;

    /// <summary>The run's id.</summary>
    public string RunId { get; }

    /// <summary>The id of the run's experiment.</summary>
    public string ExperimentId { get; }

    /// <summary>Where the run's artifacts live, as the server reported it (<c>mlflow-artifacts:/&lt;exp&gt;/&lt;run&gt;/artifacts</c>).</summary>
    public string ArtifactUri { get; }

    /// <summary>
    /// Buffers a metric value, timestamped now (from <see cref="KeelClientOptions.TimeProvider"/>), for the next flush.
    /// </summary>
    /// <param name="key">Metric name.</param>
    /// <param name="value">The value; NaN and ±Infinity are allowed.</param>
    /// <param name="step">Training step, default 0.</param>
    /// <exception cref="InvalidOperationException">The run is ending or has ended.</exception>
    public void LogMetric(string key, double value, long step = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var metric = new MetricDto { Key = key, Value = value, Step = step, Timestamp = _client.Now() };
        lock (_gate)
        {
            if (_closing)
            {
                throw new InvalidOperationException($"Run {RunId} is ending or has ended; no more metrics can be logged to it.");
            }
            _buffer.Add(metric);
            if (_buffer.Count >= _client.MaxBatchSize)
            {
                _wake.TrySetResult();
            }
        }
    }

    /// <summary>Logs a param now. Params are immutable: a different value for a logged key throws
    /// <see cref="KeelApiException"/> with <c>INVALID_PARAMETER_VALUE</c>.</summary>
    public Task LogParamAsync(string key, string value, CancellationToken ct = default) =>
        _client.LogParamAsync(RunId, key, value, ct);

    /// <summary>Logs params now, 100 per <c>runs/log-batch</c> request.</summary>
    public Task LogParamsAsync(IReadOnlyDictionary<string, string> parameters, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count == 0)
        {
            return Task.CompletedTask;
        }
        var list = parameters.Select(static pair => new KeyValue(pair.Key, pair.Value)).ToArray();
        return _client.LogBatchAsync(RunId, parameters: list, ct: ct);
    }

    /// <summary>Sets (or overwrites) a run tag now.</summary>
    public Task SetTagAsync(string key, string value, CancellationToken ct = default) =>
        _client.SetTagAsync(RunId, key, value, ct);

    /// <summary>Uploads a file to <c>&lt;artifactDirectory&gt;/&lt;file name&gt;</c> in the run's artifacts.</summary>
    /// <param name="localFile">The file to upload; its name is kept.</param>
    /// <param name="artifactDirectory">'/'-separated directory under the run's artifact root; null for the root.</param>
    /// <param name="ct">Cancels the upload.</param>
    public Task LogArtifactAsync(string localFile, string? artifactDirectory = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(localFile);
        var directory = ArtifactPath.Normalize(artifactDirectory, nameof(artifactDirectory));
        return _client.UploadFileAsync(ArtifactPath.ProxyRoot(ArtifactUri), localFile, directory, new ByteCounter(null), ct);
    }

    /// <summary>Uploads the contents of a directory, recursively, under <paramref name="artifactDirectory"/>
    /// (see <see cref="KeelClient.UploadArtifactsAsync"/>).</summary>
    /// <param name="localDirectory">The directory whose files to upload.</param>
    /// <param name="artifactDirectory">'/'-separated directory under the run's artifact root; null for the root.</param>
    /// <param name="ct">Cancels the upload.</param>
    public Task LogArtifactsAsync(string localDirectory, string? artifactDirectory = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(localDirectory);
        var directory = ArtifactPath.Normalize(artifactDirectory, nameof(artifactDirectory));
        return _client.UploadDirectoryAsync(ArtifactPath.ProxyRoot(ArtifactUri), localDirectory, directory, new ByteCounter(null), ct);
    }

    /// <summary>
    /// Marks the run failed: <see cref="DisposeAsync"/> will end it as <c>FAILED</c> and, since the failure is already
    /// being reported by the caller, will not throw. See the class remarks for the pattern.
    /// </summary>
    public void MarkFailed()
    {
        lock (_gate)
        {
            _failed = true;
        }
    }

    /// <summary>
    /// Sends every buffered metric, in logging order, in requests of at most <see cref="KeelClientOptions.MaxBatchSize"/>.
    /// </summary>
    /// <exception cref="KeelApiException">The server rejected a batch, now or in an earlier background flush.</exception>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        await FlushCoreAsync(ct).ConfigureAwait(false);
        ExceptionDispatchInfo? rejection;
        lock (_gate)
        {
            rejection = _rejection;
            _rejection = null;
        }
        rejection?.Throw();
    }

    /// <summary>
    /// Flushes, then ends the run (<c>runs/update</c>) with <paramref name="status"/> and an end time of now. No metric can
    /// be logged once this is called. If it throws, the run is still open and calling it again (or disposing) retries.
    /// A call after the run has ended does nothing.
    /// </summary>
    /// <param name="status">The final status: <c>FINISHED</c> (default), <c>FAILED</c> or <c>KILLED</c>.</param>
    /// <param name="ct">Cancels flushing and ending.</param>
    public async Task EndAsync(string status = "FINISHED", CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(status);
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }
            _closing = true;
        }
        await FlushAsync(ct).ConfigureAwait(false);
        await _client.UpdateRunAsync(
            new UpdateRunRequest { RunId = RunId, RunUuid = RunId, Status = status, EndTime = _client.Now() }, ct).ConfigureAwait(false);
        lock (_gate)
        {
            _ended = true;
        }
        await StopLoopAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Flushes and ends the run, as <c>FAILED</c> after <see cref="MarkFailed"/> and <c>FINISHED</c> otherwise, unless
    /// <see cref="EndAsync"/> already ended it; then stops the background flush. Throws what <see cref="EndAsync"/> throws,
    /// except after <see cref="MarkFailed"/>; either way the scope is closed afterwards (a run that could not be ended stays
    /// <c>RUNNING</c> on the server). Calling it again does nothing.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        bool ended, failed;
        lock (_gate)
        {
            ended = _ended;
            failed = _failed;
        }
        try
        {
            if (!ended)
            {
                await EndAsync(failed ? LifecycleStages.Failed : LifecycleStages.Finished).ConfigureAwait(false);
            }
        }
        catch (Exception) when (failed)
        {
            // The caller is already propagating the failure that ended the run; this error must not replace it.
        }
        finally
        {
            await StopLoopAsync().ConfigureAwait(false);
            _stop.Dispose();
            _flushLock.Dispose();
        }
    }

    private async Task FlushCoreAsync(CancellationToken ct)
    {
        await _flushLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            while (true)
            {
                MetricDto[] batch;
                lock (_gate)
                {
                    if (_buffer.Count == 0)
                    {
                        return;
                    }
                    batch = _buffer.GetRange(0, Math.Min(_buffer.Count, _client.MaxBatchSize)).ToArray();
                }
                try
                {
                    await _client.Transport.PostAsync(
                        MlflowRoutes.RunsLogBatch, new LogBatchRequest { RunId = RunId, Metrics = batch }, ct).ConfigureAwait(false);
                }
                catch (KeelApiException e) when (e.StatusCode is >= 400 and < 500 and not 408 and not 429)
                {
                    // Resending would be rejected again: drop the batch, report it on the next explicit flush.
                    lock (_gate)
                    {
                        _rejection ??= ExceptionDispatchInfo.Capture(e);
                    }
                }
                // Only this method removes, under _flushLock, so the front of the buffer is still this batch.
                lock (_gate)
                {
                    _buffer.RemoveRange(0, batch.Length);
                }
            }
        }
        finally
        {
            _flushLock.Release();
        }
    }

    private async Task FlushLoopAsync()
    {
        Task<bool>? tick = null;
        while (true)
        {
            Task wake;
            lock (_gate)
            {
                wake = _wake.Task;
            }
            // A tick still pending after a wake-up is reused: a PeriodicTimer allows one waiter at a time.
            tick ??= _timer.WaitForNextTickAsync(_stop.Token).AsTask();
            var fired = await Task.WhenAny(tick, wake).ConfigureAwait(false);
            if (_stop.IsCancellationRequested)
            {
                return;
            }
            if (fired == tick)
            {
                tick = null;
            }
            lock (_gate)
            {
                if (_wake.Task.IsCompleted)
                {
                    _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
            try
            {
                // Not cancelled by stopping: aborting a request the server may have applied would duplicate its points.
                await FlushCoreAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The loop must outlive any failure: the points stay buffered for the next tick, and the next explicit
                // flush resends them and throws if the failure persists.
            }
        }
    }

    private async Task StopLoopAsync()
    {
        lock (_gate)
        {
            if (_loopStopped)
            {
                return;
            }
            _loopStopped = true;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _timer.Dispose();
    }
}
