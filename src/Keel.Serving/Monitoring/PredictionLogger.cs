using System.Threading.Channels;
using Keel.Monitoring.PredictionLogs;
using Keel.Serving.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Keel.Serving.Monitoring;

/// <summary>
/// Records a sample of the requests a serving host answers and ships them as Parquet segments. The request path only
/// enqueues an entry holding references to the request's and the answer's columns (O(1), never waiting); a background
/// flusher expands them into rows and writes a segment every <see cref="ServingOptions.LogFlushRows"/> rows or
/// <see cref="ServingOptions.LogFlushInterval"/>, and on shutdown. When <see cref="ServingOptions.LogBufferRows"/> rows
/// are waiting, new ones are dropped and counted. No failure here ever reaches a prediction.
/// </summary>
public sealed partial class PredictionLogger : IHostedService, IAsyncDisposable
{
    // A segment never spans more than this, so a window read finds it by its first day.
    private static readonly TimeSpan MaxSegmentSpan = TimeSpan.FromHours(1);

    private readonly IPredictionLogSink _sink;
    private readonly PredictionLogMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly double _fraction;
    private readonly int _flushRows;
    private readonly TimeSpan _flushInterval;
    private readonly int _bufferRows;
    private readonly Channel<PredictionLogEntry> _channel;
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _replica = Guid.NewGuid().ToString("N")[..8];
    private readonly Task _flusher;
    private long _pendingRows;
    private long _segmentCounter;
    private int _stopped;

    /// <summary>Starts the background flusher.</summary>
    /// <param name="options">The sample fraction, flush and buffer settings (<see cref="ServingOptions.LogPredictions"/> and the <c>Log*</c> options).</param>
    /// <param name="sink">Where segments go.</param>
    /// <param name="metrics">The serving metrics whose <see cref="ServingMetrics.PredictionLog"/> counters are updated.</param>
    /// <param name="deployment">The name rows are logged under; null for the name of the model that answered.</param>
    /// <param name="time">The clock for timestamps and flush intervals; null for the system clock.</param>
    /// <param name="logger">Receives failed segments; null for none.</param>
    public PredictionLogger(
        ServingOptions options, IPredictionLogSink sink, ServingMetrics metrics, string? deployment = null, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(metrics);
        if (!(options.LogPredictions is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.LogPredictions, "LogPredictions is a fraction from 0 to 1.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(options.LogFlushRows, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.LogBufferRows, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.LogFlushInterval, TimeSpan.Zero, nameof(options));

        _sink = sink;
        _metrics = metrics.PredictionLog;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _fraction = options.LogPredictions;
        _flushRows = options.LogFlushRows;
        _flushInterval = options.LogFlushInterval;
        _bufferRows = options.LogBufferRows;
        Deployment = deployment;
        // The row budget (_pendingRows) is the real bound; the channel's own bound is a backstop for one-row entries.
        _channel = Channel.CreateBounded<PredictionLogEntry>(
            new BoundedChannelOptions(options.LogBufferRows) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            OnChannelDropped);
        _flusher = Task.Run(FlushLoopAsync, CancellationToken.None);
    }

    /// <summary>The name rows are logged under; null for the name of the model that answered.</summary>
    public string? Deployment { get; }

    /// <summary>True when some requests are logged (the fraction is above 0).</summary>
    public bool Enabled => _fraction > 0;

    /// <summary>Rows dropped so far because the buffer was full.</summary>
    public long DroppedRows => (long)_metrics.Dropped.Value;

    /// <summary>
    /// Decides whether to log the request arriving now (the sample fraction); an entry to fill in and pass to
    /// <see cref="Complete"/> when it is, else null.
    /// </summary>
    public PredictionLogEntry? Sample(string requestId)
    {
        if (_fraction <= 0 || (_fraction < 1 && Random.Shared.NextDouble() >= _fraction))
        {
            return null;
        }
        return new PredictionLogEntry { RequestId = requestId, Timestamp = _time.GetUtcNow() };
    }

    /// <summary>Queues a filled-in entry; drops (and counts) it when the buffer is full. Never throws, never waits.</summary>
    public void Complete(PredictionLogEntry entry)
    {
        try
        {
            ArgumentNullException.ThrowIfNull(entry);
            if (Deployment is not null)
            {
                entry.Deployment = Deployment;
            }
            else if (entry.Deployment.Length == 0)
            {
                entry.Deployment = entry.Model;
            }
            if (entry.Deployment.Length == 0)
            {
                // No model had loaded yet: there is nothing to attribute the request to.
                return;
            }

            var rows = entry.RowCount;
            if (Volatile.Read(ref _stopped) != 0 || Interlocked.Add(ref _pendingRows, rows) > _bufferRows)
            {
                if (Volatile.Read(ref _stopped) == 0)
                {
                    Interlocked.Add(ref _pendingRows, -rows);
                }
                _metrics.Dropped.Inc(rows);
                return;
            }

            if (_channel.Writer.TryWrite(entry))
            {
                _metrics.Records.Inc(rows);
            }
            else
            {
                Interlocked.Add(ref _pendingRows, -rows);
                _metrics.Dropped.Inc(rows);
            }
        }
#pragma warning disable CA1031 // Logging must never fail the request it describes.
        catch (Exception e)
#pragma warning restore CA1031
        {
            OnError(e);
        }
    }

    /// <summary>Counts a failure of the capture code; the request it concerned is unaffected.</summary>
    internal void OnError(Exception e)
    {
        _metrics.Errors.Inc();
        LogCaptureFailed(_logger, e);
    }

    /// <summary>Nothing to do: the flusher starts with the logger.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops taking entries, writes what is buffered as final segments and waits for them to ship (or <paramref name="cancellationToken"/>).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            _channel.Writer.TryComplete();
        }

        await using (cancellationToken.Register(_stopping.Cancel))
        {
            await _flusher.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Stops as <see cref="StopAsync"/> does, with no time limit.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stopping.Dispose();
    }

    private void OnChannelDropped(PredictionLogEntry entry)
    {
        Interlocked.Add(ref _pendingRows, -entry.RowCount);
        _metrics.Dropped.Inc(entry.RowCount);
    }

    private async Task FlushLoopAsync()
    {
        var pending = new Dictionary<string, PendingSegment>(StringComparer.Ordinal);
        using var timer = new PeriodicTimer(_flushInterval, _time);
        var reader = _channel.Reader;
        var tick = timer.WaitForNextTickAsync().AsTask();
        Task<bool>? ready = null;
        try
        {
            while (true)
            {
                ready ??= reader.WaitToReadAsync().AsTask();
                if (await Task.WhenAny(ready, tick).ConfigureAwait(false) == tick)
                {
                    // Every pending segment ships at each tick, so no row waits much longer than the interval.
                    await FlushAllAsync(pending).ConfigureAwait(false);
                    tick = timer.WaitForNextTickAsync().AsTask();
                    continue;
                }

                var more = await ready.ConfigureAwait(false);
                ready = null;
                if (!more)
                {
                    break;
                }

                while (reader.TryRead(out var entry))
                {
                    Interlocked.Add(ref _pendingRows, -entry.RowCount);
                    await AddAsync(pending, entry).ConfigureAwait(false);
                }
            }
        }
#pragma warning disable CA1031 // The flusher must outlive any failure; what it held is counted as lost.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _metrics.Errors.Inc();
            LogFlusherFailed(_logger, e);
        }

        await FlushAllAsync(pending).ConfigureAwait(false);
    }

    private async Task AddAsync(Dictionary<string, PendingSegment> pending, PredictionLogEntry entry)
    {
        if (!pending.TryGetValue(entry.Deployment, out var segment))
        {
            segment = new PendingSegment();
            pending.Add(entry.Deployment, segment);
        }
        else if (segment.Builder.First is { } first && (entry.Timestamp - first > MaxSegmentSpan || first - entry.Timestamp > MaxSegmentSpan))
        {
            await ShipAsync(entry.Deployment, segment).ConfigureAwait(false);
            segment = new PendingSegment();
            pending[entry.Deployment] = segment;
        }

        try
        {
            segment.Builder.Add(entry);
        }
#pragma warning disable CA1031 // One bad entry must not stop the others.
        catch (Exception e)
#pragma warning restore CA1031
        {
            OnError(e);
        }

        if (segment.Builder.RowCount >= _flushRows)
        {
            pending.Remove(entry.Deployment);
            await ShipAsync(entry.Deployment, segment).ConfigureAwait(false);
        }
    }

    private async Task FlushAllAsync(Dictionary<string, PendingSegment> pending)
    {
        var segments = pending.ToList();
        pending.Clear();
        foreach (var (deployment, segment) in segments)
        {
            await ShipAsync(deployment, segment).ConfigureAwait(false);
        }
    }

    private async Task ShipAsync(string deployment, PendingSegment segment)
    {
        var builder = segment.Builder;
        if (builder.RowCount == 0)
        {
            return;
        }

        try
        {
            var name = PredictionSegmentName.Create(builder.First!.Value, builder.Last!.Value,
                $"{_replica}{Interlocked.Increment(ref _segmentCounter):x}");
            var bytes = await builder.ToArrayAsync(_stopping.Token).ConfigureAwait(false);
            await _sink.WriteSegmentAsync(deployment, name.ToString(), bytes, _stopping.Token).ConfigureAwait(false);
            _metrics.Segments.Inc();
        }
#pragma warning disable CA1031 // A lost segment is counted and logged; serving goes on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _metrics.Errors.Inc();
            LogSegmentFailed(_logger, e, deployment, builder.RowCount);
        }
    }

    private sealed class PendingSegment
    {
        public PredictionSegmentBuilder Builder { get; } = new();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not ship a prediction-log segment of {Deployment} ({Rows} rows); they are lost")]
    private static partial void LogSegmentFailed(ILogger logger, Exception exception, string deployment, int rows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not capture a prediction for the log; the request is unaffected")]
    private static partial void LogCaptureFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The prediction-log flusher failed; logging stops")]
    private static partial void LogFlusherFailed(ILogger logger, Exception exception);
}
