using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Models.Packages;
using Keel.Serving.Runtime;
using Keel.Serving.Tests.Support;
using Keel.Testing;

namespace Keel.Serving.Tests.Runtime;

/// <summary>Adaptive micro-batching in <see cref="ModelHost.ScoreAsync"/>, over a local ML.NET package.</summary>
public sealed class ModelHostBatchingTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _package = new("keel-batching");
    private readonly PatientRow[] _rows = ServingModels.Rows(64, seed: 21);
    private readonly RecordingObserver _observer = new();

    public ModelHostBatchingTests() => ServingModels.WritePackage(_package.Path, version: 1);

    public void Dispose()
    {
        _observer.Dispose();
        _package.Dispose();
    }

    [Fact]
    public async Task ScoreAsync_ConcurrentSingleRowRequests_CoalesceAndEachGetsItsOwnRows()
    {
        await using var host = await StartAsync(maxBatchSize: 32, TimeSpan.FromMilliseconds(20));

        var results = await Burst(host, _rows.Select(r => ServingModels.Batch([r])));

        var calls = _observer.Calls.ToList();
        Assert.True(calls.Count <= 16, $"64 requests took {calls.Count} predictor calls");
        Assert.Equal(64, calls.Sum(c => c.Rows));
        Assert.Equal(64, calls.Sum(c => c.Requests));
        Assert.All(calls, c => Assert.InRange(c.Rows, 1, 32));
        AssertOwnRows(results.Select(r => r.Outputs).ToList(), _rows.Select(r => new[] { r }).ToList());
        Assert.All(results, r => Assert.Equal("1", r.Version.Version));
    }

    [Fact]
    public async Task ScoreAsync_BadRequestInBurst_FailsAloneNamingItsColumn()
    {
        await using var host = await StartAsync(maxBatchSize: 32, TimeSpan.FromMilliseconds(20));
        var good = ServingModels.Batch(_rows.Take(1));
        var bad = new DataBatch([good["Age"], good["Dose"], DataColumn.Of("Marker", new[] { "high" })]);
        var inputs = Enumerable.Range(0, 20).Select(i => i == 7 ? bad : ServingModels.Batch(_rows.Skip(i).Take(1))).ToList();

        var tasks = await Start(host, inputs);

        for (var i = 0; i < tasks.Count; i++)
        {
            if (i == 7)
            {
                var error = await Assert.ThrowsAsync<KeelException>(() => tasks[i]);
                Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
                Assert.Contains("Marker", error.Message, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(1, (await tasks[i]).Outputs.RowCount);
            }
        }
        Assert.Equal(19, _observer.Calls.Sum(c => c.Rows));
    }

    [Fact]
    public async Task ScoreAsync_MaxBatchSizeOne_CallsThePredictorOncePerRequest()
    {
        await using var host = await StartAsync(maxBatchSize: 1, TimeSpan.FromMilliseconds(20));

        var results = await Burst(host, _rows.Take(20).Select(r => ServingModels.Batch([r])));

        Assert.Equal(20, _observer.Calls.Count);
        Assert.All(_observer.Calls, c => Assert.Equal(new BatchCall("1", 1, 1), c));
        AssertOwnRows(results.Select(r => r.Outputs).ToList(), _rows.Take(20).Select(r => new[] { r }).ToList());
    }

    [Fact]
    public async Task ScoreAsync_RequestLargerThanMaxBatchSize_RunsAloneAndOthersStillBatch()
    {
        await using var host = await StartAsync(maxBatchSize: 4, TimeSpan.FromMilliseconds(20));
        var parts = new List<PatientRow[]> { _rows[..10] };
        parts.AddRange(_rows[10..22].Select(r => new[] { r }));

        var results = await Burst(host, parts.Select(ServingModels.Batch));

        Assert.Contains(new BatchCall("1", 1, 10), _observer.Calls);
        Assert.All(_observer.Calls.Where(c => c.Rows != 10), c => Assert.InRange(c.Rows, 1, 4));
        Assert.Equal(22, _observer.Calls.Sum(c => c.Rows));
        AssertOwnRows(results.Select(r => r.Outputs).ToList(), parts);
    }

    [Fact]
    public async Task ScoreAsync_CancelledWhileQueued_FailsOnlyThatRequest()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(maxBatchSize: 8, TimeSpan.FromMilliseconds(1));
        _observer.Hold();
        // An idle batcher scores a lone request inline; the next one goes to the worker. Both are held in the
        // predictor, so the worker is busy and the requests after them queue.
        var inline = Task.Run(() => host.ScoreAsync(ServingModels.Batch(_rows.Take(2)), ct), ct);
        Assert.True(await _observer.WaitForCallAsync(Timeout), "the inline request reaches the predictor");
        var busy = host.ScoreAsync(ServingModels.Batch(_rows.Skip(6).Take(1)), ct);
        Assert.True(await _observer.WaitForCallAsync(Timeout), "the worker's batch reaches the predictor");
        using var cancel = new CancellationTokenSource();

        var cancelled = host.ScoreAsync(ServingModels.Batch(_rows.Skip(2).Take(3)), cancel.Token);
        var other = host.ScoreAsync(ServingModels.Batch(_rows.Skip(5).Take(1)), ct);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        _observer.Release();

        Assert.Equal(2, (await inline).Outputs.RowCount);
        Assert.Equal(1, (await busy).Outputs.RowCount);
        Assert.Equal(1, (await other).Outputs.RowCount);
        Assert.Equal(4, _observer.Calls.Sum(c => c.Rows));
    }

    [Fact]
    public async Task ScoreAsync_IdleBatcher_ScoresALoneRequestOnTheCallersThreadAtOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        // A delay far longer than the test: a request that waited for company would time out.
        await using var host = await StartAsync(maxBatchSize: 32, TimeSpan.FromMinutes(5));

        for (var i = 0; i < 5; i++)
        {
            var score = host.ScoreAsync(ServingModels.Batch(_rows.Skip(i).Take(1)), ct);
            Assert.True(score.IsCompleted, $"back-to-back request {i} is answered before ScoreAsync returns");
            Assert.Equal(1, (await score).Outputs.RowCount);
        }

        Assert.Equal(5, _observer.Calls.Count);
    }

    [Fact]
    public async Task ScoreAsync_LoneRequestAfterQueueIdleLongerThanTheDelay_DoesNotWaitForOthers()
    {
        var ct = TestContext.Current.CancellationToken;
        var delay = TimeSpan.FromSeconds(2);
        await using var host = await StartAsync(maxBatchSize: 32, delay);
        await host.ScoreAsync(ServingModels.Batch(_rows.Take(1)), ct);
        await Task.Delay(delay + TimeSpan.FromMilliseconds(200), ct);

        var started = TimeProvider.System.GetTimestamp();
        var result = await host.ScoreAsync(ServingModels.Batch(_rows.Skip(1).Take(1)), ct);
        var elapsed = TimeProvider.System.GetElapsedTime(started);

        Assert.Equal(1, result.Outputs.RowCount);
        Assert.True(elapsed < delay * 0.75, $"a lone request after an idle spell is answered at once, not after the batch delay (took {elapsed})");
    }

    [Fact]
    public async Task ScoreAsync_AfterDispose_Throws()
    {
        var host = await StartAsync(maxBatchSize: 8, TimeSpan.FromMilliseconds(1));
        await host.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => host.ScoreAsync(ServingModels.Batch(_rows.Take(1)), TestContext.Current.CancellationToken));
    }

    private Task<ModelHost> StartAsync(int maxBatchSize, TimeSpan maxBatchDelay) => ModelHost.StartAsync(
        new LocalModelSource().Add("1", _package.Path),
        new ServingOptions { ModelUri = "models:/local@champion", MaxBatchSize = maxBatchSize, MaxBatchDelay = maxBatchDelay, ReloadInterval = System.Threading.Timeout.InfiniteTimeSpan },
        observer: _observer,
        ct: TestContext.Current.CancellationToken);

    // Every request released at the same moment from its own task.
    private static async Task<List<Task<ScoreResult>>> Start(ModelHost host, IEnumerable<DataBatch> inputs)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = inputs.Select(input => Task.Run(async () =>
        {
            await go.Task;
            return await host.ScoreAsync(input);
        })).ToList();
        await Task.Yield();
        go.SetResult();
        await Task.WhenAll(tasks.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        return tasks;
    }

    private static async Task<ScoreResult[]> Burst(ModelHost host, IEnumerable<DataBatch> inputs) =>
        await Task.WhenAll(await Start(host, inputs));

    private void AssertOwnRows(List<DataBatch> outputs, List<PatientRow[]> inputs)
    {
        using var direct = ModelPackage.Load(_package.Path);
        for (var i = 0; i < inputs.Count; i++)
        {
            var expected = direct.Predict(ServingModels.Batch(inputs[i]))["Probability"].As<float>();
            var actual = outputs[i]["Probability"].As<float>();
            Assert.Equal(expected.Length, actual.Length);
            Assert.All(Enumerable.Range(0, expected.Length), j => Assert.True(Math.Abs(expected[j] - actual[j]) <= 1e-6, $"request {i} row {j}: {expected[j]} vs {actual[j]}"));
        }
    }
}
