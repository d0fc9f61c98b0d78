using System.Threading.Channels;
using Keel.Core.Models;

namespace Keel.Serving.Runtime;

// Adaptive micro-batching for one version, as in Triton's and BentoML's dynamic batchers: one worker takes the
// oldest request, adds whatever is already queued and, while traffic is flowing, waits up to MaxBatchDelay
// (counted from the oldest request's arrival) for more, until MaxBatchSize rows. A request that arrives after the
// queue sat idle longer than the delay is not held back: waiting would only add latency to a lone request. A request
// that finds nothing else queued or running is scored inline on its caller's thread (TryEnterAlone): no queue, no
// hop to the worker and back, and no wait for company that is not coming.
internal sealed class MicroBatcher : IDisposable
{
    private readonly Channel<PendingRequest> _queue = Channel.CreateUnbounded<PendingRequest>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
    private readonly ServedModel _model;
    private readonly int _maxRows;
    private readonly TimeSpan _maxDelay;
    private readonly TimeProvider _time;
    private long _lastArrival = long.MinValue;

    // Requests queued, being batched or scored, inline ones included; zero means the batcher is idle.
    private int _pending;

    // While the worker waits for a batch to fill it sleeps once, until the delay ends or Enqueue sees the rows it
    // lacks queued (_wakeAt), rather than waking, and arming a timer, for every request that arrives.
    private readonly SemaphoreSlim _filled = new(0);
    private int _queuedRows;
    private int _wakeAt = int.MaxValue;

    public MicroBatcher(ServedModel model, int maxRows, TimeSpan maxDelay, TimeProvider time)
    {
        _model = model;
        _maxRows = maxRows;
        _maxDelay = maxDelay;
        _time = time;
        Worker = Task.Run(RunAsync);
    }

    public Task Worker { get; }

    // True when the batcher was idle: the caller scores its rows itself, then calls ExitAlone.
    public bool TryEnterAlone()
    {
        if (Interlocked.CompareExchange(ref _pending, 1, 0) != 0)
        {
            return false;
        }

        Volatile.Write(ref _lastArrival, _time.GetTimestamp());
        return true;
    }

    public void ExitAlone() => Interlocked.Decrement(ref _pending);

    // The caller holds a lease on the version; from here the worker owns it and releases it once the request is answered.
    public Task<DataBatch> Enqueue(DataBatch rows, CancellationToken ct)
    {
        var now = _time.GetTimestamp();
        var previous = Interlocked.Exchange(ref _lastArrival, now);
        var idleBefore = previous == long.MinValue || _time.GetElapsedTime(previous, now) > _maxDelay;
        var request = new PendingRequest(rows, now, idleBefore, ct);
        Interlocked.Increment(ref _pending);
        if (!_queue.Writer.TryWrite(request))
        {
            // Unreachable while the caller's lease keeps the version alive.
            throw new InvalidOperationException("The version's batch queue is closed.");
        }
        if (Interlocked.Add(ref _queuedRows, rows.RowCount) >= Volatile.Read(ref _wakeAt) && Interlocked.Exchange(ref _wakeAt, int.MaxValue) != int.MaxValue)
        {
            _filled.Release();
        }
        return request.Task;
    }

    public void Complete() => _queue.Writer.TryComplete();

    // The worker calls it once the queue has completed: nothing can enqueue or wait any more.
    public void Dispose() => _filled.Dispose();

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingRequest>();
        PendingRequest? carried = null;
        while (true)
        {
            var first = carried ?? await NextLiveAsync(reader).ConfigureAwait(false);
            carried = null;
            if (first is null)
            {
                Dispose();
                return;
            }

            batch.Clear();
            batch.Add(first);
            var rows = first.Rows.RowCount;
            while (rows < _maxRows)
            {
                if (!TryTake(reader, out var next))
                {
                    var remaining = _maxDelay - _time.GetElapsedTime(first.Arrived);
                    if (first.IdleBefore || remaining <= TimeSpan.Zero)
                    {
                        break;
                    }
                    await WaitForRowsAsync(_maxRows - rows, remaining).ConfigureAwait(false);
                    continue;
                }
                if (next.Task.IsCompleted)
                {
                    Done();
                    continue;
                }
                if (!BatchRows.SameLayout(first.Rows, next.Rows) || rows + next.Rows.RowCount > _maxRows)
                {
                    // It starts the next batch: a request larger than MaxBatchSize runs alone.
                    carried = next;
                    break;
                }
                batch.Add(next);
                rows += next.Rows.RowCount;
            }
            Execute(batch);
        }
    }

    // The next request whose caller still waits; those cancelled while queued just give back their lease.
    private async Task<PendingRequest?> NextLiveAsync(ChannelReader<PendingRequest> reader)
    {
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (TryTake(reader, out var request))
            {
                if (!request.Task.IsCompleted)
                {
                    return request;
                }
                Done();
            }
        }
        return null;
    }

    private bool TryTake(ChannelReader<PendingRequest> reader, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PendingRequest? request)
    {
        if (!reader.TryRead(out request))
        {
            return false;
        }
        Interlocked.Add(ref _queuedRows, -request.Rows.RowCount);
        return true;
    }

    // Returns when the missing rows are queued or the timeout ends, whichever comes first; a wake-up left over from
    // an earlier wait only makes the caller look at the queue once more.
    private async Task WaitForRowsAsync(int missing, TimeSpan timeout)
    {
        Interlocked.Exchange(ref _wakeAt, missing);
        if (Volatile.Read(ref _queuedRows) < missing)
        {
            using var timer = new CancellationTokenSource(timeout, _time);
            await _filled.WaitAsync(timer.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        Volatile.Write(ref _wakeAt, int.MaxValue);
    }

    private void Execute(List<PendingRequest> batch)
    {
        try
        {
            // Requests cancelled while they waited are dropped from the call.
            var live = 0;
            for (var i = 0; i < batch.Count; i++)
            {
                if (batch[i].Task.IsCompleted)
                {
                    Done();
                }
                else
                {
                    batch[live++] = batch[i];
                }
            }
            batch.RemoveRange(live, batch.Count - live);
            if (batch.Count == 1)
            {
                RunAlone(batch[0]);
            }
            else if (batch.Count > 1)
            {
                RunTogether(batch);
            }
        }
        finally
        {
            foreach (var _ in batch)
            {
                Done();
            }
        }
    }

    // A request leaves the batcher: its lease on the version ends.
    private void Done()
    {
        Interlocked.Decrement(ref _pending);
        _model.Release();
    }

    private void RunTogether(List<PendingRequest> live)
    {
        DataBatch outputs;
        var rows = 0;
        foreach (var request in live)
        {
            rows += request.Rows.RowCount;
        }
        try
        {
            var parts = new DataBatch[live.Count];
            for (var i = 0; i < parts.Length; i++)
            {
                parts[i] = live[i].Rows;
            }
            outputs = _model.Predict(BatchRows.Concat(parts), live.Count);
        }
        catch (Exception)
        {
            // A value the signature cannot rule out spoiled the call: score each request alone so only its sender fails.
            live.ForEach(RunAlone);
            return;
        }
        if (outputs.RowCount != rows)
        {
            // The model does not answer row by row, so its outputs cannot be split between the callers.
            live.ForEach(RunAlone);
            return;
        }

        var offset = 0;
        foreach (var request in live)
        {
            request.Succeed(BatchRows.Slice(outputs, offset, request.Rows.RowCount));
            offset += request.Rows.RowCount;
        }
    }

    private void RunAlone(PendingRequest request)
    {
        try
        {
            request.Succeed(_model.Predict(request.Rows, 1));
        }
        catch (Exception e)
        {
            request.Fail(e);
        }
    }
}

internal sealed class PendingRequest
{
    private readonly TaskCompletionSource<DataBatch> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenRegistration _cancellation;

    public PendingRequest(DataBatch rows, long arrived, bool idleBefore, CancellationToken ct)
    {
        Rows = rows;
        Arrived = arrived;
        IdleBefore = idleBefore;
        _cancellation = ct.CanBeCanceled
            ? ct.UnsafeRegister(static (state, token) => ((PendingRequest)state!)._answer.TrySetCanceled(token), this)
            : default;
    }

    public DataBatch Rows { get; }

    public long Arrived { get; }

    public bool IdleBefore { get; }

    public Task<DataBatch> Task => _answer.Task;

    public void Succeed(DataBatch outputs)
    {
        _answer.TrySetResult(outputs);
        _cancellation.Dispose();
    }

    public void Fail(Exception error)
    {
        _answer.TrySetException(error);
        _cancellation.Dispose();
    }
}
