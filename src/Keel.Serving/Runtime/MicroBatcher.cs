using System.Threading.Channels;
using Keel.Core.Models;

namespace Keel.Serving.Runtime;

// Adaptive micro-batching for one version, as in Triton's and BentoML's dynamic batchers: one worker takes the
// oldest request, adds whatever is already queued and, while traffic is flowing, waits up to MaxBatchDelay
// (counted from the oldest request's arrival) for more, until MaxBatchSize rows. A request that arrives after the
// queue sat idle longer than the delay is not held back: waiting would only add latency to a lone request.
internal sealed class MicroBatcher
{
    private readonly Channel<PendingRequest> _queue = Channel.CreateUnbounded<PendingRequest>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
    private readonly ServedModel _model;
    private readonly int _maxRows;
    private readonly TimeSpan _maxDelay;
    private readonly TimeProvider _time;
    private long _lastArrival = long.MinValue;

    public MicroBatcher(ServedModel model, int maxRows, TimeSpan maxDelay, TimeProvider time)
    {
        _model = model;
        _maxRows = maxRows;
        _maxDelay = maxDelay;
        _time = time;
        Worker = Task.Run(RunAsync);
    }

    public Task Worker { get; }

    // The caller holds a lease on the version; from here the worker owns it and releases it once the request is answered.
    public Task<DataBatch> Enqueue(DataBatch rows, CancellationToken ct)
    {
        var now = _time.GetTimestamp();
        var previous = Interlocked.Exchange(ref _lastArrival, now);
        var idleBefore = previous == long.MinValue || _time.GetElapsedTime(previous, now) > _maxDelay;
        var request = new PendingRequest(rows, BatchRows.Key(rows), now, idleBefore, ct);
        if (!_queue.Writer.TryWrite(request))
        {
            // Unreachable while the caller's lease keeps the version alive.
            throw new InvalidOperationException("The version's batch queue is closed.");
        }
        return request.Task;
    }

    public void Complete() => _queue.Writer.TryComplete();

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
                return;
            }

            batch.Clear();
            batch.Add(first);
            var rows = first.Rows.RowCount;
            while (rows < _maxRows)
            {
                if (!reader.TryRead(out var next))
                {
                    var remaining = _maxDelay - _time.GetElapsedTime(first.Arrived);
                    if (first.IdleBefore || remaining <= TimeSpan.Zero || !await WaitAsync(reader, remaining).ConfigureAwait(false))
                    {
                        break;
                    }
                    continue;
                }
                if (next.Task.IsCompleted)
                {
                    _model.Release();
                    continue;
                }
                if (next.Key != first.Key || rows + next.Rows.RowCount > _maxRows)
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
            while (reader.TryRead(out var request))
            {
                if (!request.Task.IsCompleted)
                {
                    return request;
                }
                _model.Release();
            }
        }
        return null;
    }

    private async Task<bool> WaitAsync(ChannelReader<PendingRequest> reader, TimeSpan timeout)
    {
        using var timer = new CancellationTokenSource(timeout, _time);
        var wait = reader.WaitToReadAsync(timer.Token).AsTask();
        await ((Task)wait).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return wait.IsCompletedSuccessfully && wait.Result;
    }

    private void Execute(List<PendingRequest> batch)
    {
        try
        {
            var live = batch.Where(r => !r.Task.IsCompleted).ToList();
            if (live.Count == 1)
            {
                RunAlone(live[0]);
            }
            else if (live.Count > 1)
            {
                RunTogether(live);
            }
        }
        finally
        {
            foreach (var _ in batch)
            {
                _model.Release();
            }
        }
    }

    private void RunTogether(List<PendingRequest> live)
    {
        DataBatch outputs;
        var rows = live.Sum(r => r.Rows.RowCount);
        try
        {
            outputs = _model.Predict(BatchRows.Concat([.. live.Select(r => r.Rows)]), live.Count);
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

    public PendingRequest(DataBatch rows, string key, long arrived, bool idleBefore, CancellationToken ct)
    {
        Rows = rows;
        Key = key;
        Arrived = arrived;
        IdleBefore = idleBefore;
        _cancellation = ct.CanBeCanceled
            ? ct.UnsafeRegister(static (state, token) => ((PendingRequest)state!)._answer.TrySetCanceled(token), this)
            : default;
    }

    public DataBatch Rows { get; }

    public string Key { get; }

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
