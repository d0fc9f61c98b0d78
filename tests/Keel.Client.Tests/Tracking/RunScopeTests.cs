using System.Text.Json;
using Keel.Client.Tests.Support;
using Keel.Contracts.Mlflow;
using Keel.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Keel.Client.Tests.Tracking;

public sealed class RunScopeTests(ClientServerFixture fixture) : IClassFixture<ClientServerFixture>
{
    private readonly KeelClient _client = fixture.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> NewExperimentAsync() => await _client.CreateExperimentAsync(Names.Unique("scope"), ct: Ct);

    private static async Task<IReadOnlyList<MetricDto>> WaitForHistoryAsync(KeelClient client, string runId, string key, int count)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        while (true)
        {
            var history = await client.GetMetricHistoryAsync(runId, key, timeout.Token);
            if (history.Count >= count)
            {
                return history;
            }
            await Task.Delay(50, timeout.Token);
        }
    }

    [Fact]
    public async Task LogMetric_2500PointsWithoutExplicitFlush_BackgroundBatchesDeliverAllInOrder()
    {
        await using var run = await _client.StartRunAsync(await NewExperimentAsync(), "batching", ct: Ct);

        for (var step = 0; step < 2_500; step++)
        {
            run.LogMetric("loss", 1.0 / (step + 1), step);
        }
        var history = await WaitForHistoryAsync(_client, run.RunId, "loss", 2_500);

        Assert.Equal(2_500, history.Count);
        Assert.Equal(Enumerable.Range(0, 2_500).Select(i => (long)i), history.Select(m => m.Step));
        Assert.Equal(Enumerable.Range(0, 2_500).Select(i => 1.0 / (i + 1)), history.Select(m => m.Value));
        Assert.True(history.Zip(history.Skip(1)).All(p => p.First.Timestamp <= p.Second.Timestamp));
    }

    [Fact]
    public async Task LogMetric_FakeClockPassesFlushInterval_BackgroundLoopSendsBufferedPoints()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        using var client = fixture.CreateClient(o =>
        {
            o.TimeProvider = clock;
            o.FlushInterval = TimeSpan.FromSeconds(30);
        });
        await using var run = await client.StartRunAsync(await NewExperimentAsync(), ct: Ct);

        run.LogMetric("acc", 0.25, 1);
        run.LogMetric("acc", 0.5, 2);
        var before = await client.GetMetricHistoryAsync(run.RunId, "acc", Ct);
        clock.Advance(TimeSpan.FromSeconds(30));
        var after = await WaitForHistoryAsync(client, run.RunId, "acc", 2);

        Assert.Empty(before);
        Assert.Equal([0.25, 0.5], after.Select(m => m.Value));
        Assert.All(after, m => Assert.Equal(1_700_000_000_000, m.Timestamp));
    }

    [Fact]
    public async Task DisposeAsync_ScopeCompletes_RunFinishedWithEndTimeAndMetricsFlushed()
    {
        string runId;
        await using (var run = await _client.StartRunAsync(await NewExperimentAsync(), "done", ct: Ct))
        {
            runId = run.RunId;
            run.LogMetric("loss", 0.1);
        }

        var ended = await _client.GetRunAsync(runId, Ct);
        Assert.Equal("FINISHED", ended.Info.Status);
        Assert.NotNull(ended.Info.EndTime);
        Assert.True(ended.Info.EndTime >= ended.Info.StartTime);
        Assert.Equal(0.1, Assert.Single(ended.Data.Metrics).Value);
    }

    [Fact]
    public async Task DisposeAsync_BodyThrowsAfterMarkFailed_RunFailedAndOriginalExceptionPropagates()
    {
        var experimentId = await NewExperimentAsync();
        string? runId = null;

        var e = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await using var run = await _client.StartRunAsync(experimentId, ct: Ct);
            runId = run.RunId;
            try
            {
                run.LogMetric("loss", 9.9);
                throw new InvalidDataException("training diverged");
            }
            catch
            {
                run.MarkFailed();
                throw;
            }
        });

        Assert.Equal("training diverged", e.Message);
        var failed = await _client.GetRunAsync(runId!, Ct);
        Assert.Equal("FAILED", failed.Info.Status);
        Assert.NotNull(failed.Info.EndTime);
        Assert.Equal(9.9, Assert.Single(failed.Data.Metrics).Value);
    }

    [Fact]
    public async Task EndAsync_Killed_SetsStatusAndLaterDisposeIsANoOp()
    {
        var run = await _client.StartRunAsync(await NewExperimentAsync(), ct: Ct);

        await run.EndAsync("KILLED", Ct);
        await run.EndAsync(ct: Ct);
        await run.DisposeAsync();
        await run.DisposeAsync();

        Assert.Equal("KILLED", (await _client.GetRunAsync(run.RunId, Ct)).Info.Status);
    }

    [Fact]
    public async Task LogMetric_AfterEnd_ThrowsInvalidOperation()
    {
        await using var run = await _client.StartRunAsync(await NewExperimentAsync(), ct: Ct);
        await run.EndAsync(ct: Ct);

        Assert.Throws<InvalidOperationException>(() => run.LogMetric("late", 1));
    }

    [Fact]
    public async Task StartRunAsync_NoExperiment_UsesDefaultExperimentAndSetsSourceTags()
    {
        await using var run = await _client.StartRunAsync(runName: "default-exp", tags: new Dictionary<string, string> { ["mlflow.user"] = "ci" }, ct: Ct);

        var created = await _client.GetRunAsync(run.RunId, Ct);
        Assert.Equal("0", run.ExperimentId);
        Assert.Equal("default-exp", created.Info.RunName);
        Assert.Equal($"mlflow-artifacts:/0/{run.RunId}/artifacts", run.ArtifactUri);
        Assert.Contains(new KeyValue("mlflow.user", "ci"), created.Data.Tags);
        Assert.Contains(new KeyValue("mlflow.source.type", "LOCAL"), created.Data.Tags);
    }

    [Fact]
    public async Task LogParamsAsync_250Params_AllLoggedAndConflictRejected()
    {
        await using var run = await _client.StartRunAsync(await NewExperimentAsync(), ct: Ct);
        var parameters = Enumerable.Range(0, 250).ToDictionary(i => $"p{i:000}", i => $"{i}");

        await run.LogParamsAsync(parameters, Ct);
        await run.LogParamAsync("extra", "1", Ct);
        await run.SetTagAsync("phase", "train", Ct);
        var e = await Assert.ThrowsAsync<KeelApiException>(() => run.LogParamAsync("p000", "changed", Ct));

        var logged = await _client.GetRunAsync(run.RunId, Ct);
        Assert.Equal(251, logged.Data.Params.Count);
        Assert.Contains(new KeyValue("phase", "train"), logged.Data.Tags);
        Assert.Equal(ErrorCodes.InvalidParameterValue, e.ErrorCode);
    }

    [Fact]
    public async Task FlushAsync_ServerRejectsOneBatch_ThrowsItAndDeliversTheOtherBatches()
    {
        using var client = fixture.CreateClient(o => o.MaxBatchSize = 2);
        await using var run = await client.StartRunAsync(await NewExperimentAsync(), ct: Ct);
        var tooLong = new string('k', 300);

        run.LogMetric("good", 1, 1);
        run.LogMetric("good", 2, 2);
        run.LogMetric(tooLong, 3);
        run.LogMetric("good", 4, 4);
        run.LogMetric("good", 5, 5);
        var e = await Assert.ThrowsAsync<KeelApiException>(() => run.FlushAsync(Ct));
        await run.FlushAsync(Ct);

        Assert.Equal(ErrorCodes.InvalidParameterValue, e.ErrorCode);
        var history = await client.GetMetricHistoryAsync(run.RunId, "good", Ct);
        Assert.Equal([1.0, 2.0, 5.0], history.Select(m => m.Value));
    }

    [Fact]
    public async Task EndAsync_RejectedBatchPending_ThrowsLeavesRunOpenAndRetryEnds()
    {
        var run = await _client.StartRunAsync(await NewExperimentAsync(), ct: Ct);
        run.LogMetric(new string('k', 300), 1);

        await Assert.ThrowsAsync<KeelApiException>(() => run.EndAsync(ct: Ct));
        var stillOpen = await _client.GetRunAsync(run.RunId, Ct);
        await run.DisposeAsync();

        Assert.Equal("RUNNING", stillOpen.Info.Status);
        Assert.Equal("FINISHED", (await _client.GetRunAsync(run.RunId, Ct)).Info.Status);
    }

    [Fact]
    public async Task FlushAsync_BackgroundFlushFailedTransiently_ResendsTheKeptPoints()
    {
        await using var stub = await StubServer.StartAsync();
        stub.Enqueue(StubResponse.Json(200, RunJson("run1")), StubResponse.Error(503, "TEMPORARILY_UNAVAILABLE", "busy"));
        var clock = new FakeTimeProvider();
        using var client = new KeelClient(new KeelClientOptions
        {
            TrackingUri = stub.BaseAddress,
            MaxRetries = 0,
            TimeProvider = clock,
        });
        var run = await client.StartRunAsync(ct: Ct);

        run.LogMetric("m", 1);
        run.LogMetric("m", 2);
        clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => stub.Requests.Count >= 2);
        await run.FlushAsync(Ct);
        await run.EndAsync(ct: Ct);

        var requests = stub.Requests;
        Assert.Equal(
            ["/api/2.0/mlflow/runs/create", "/api/2.0/mlflow/runs/log-batch", "/api/2.0/mlflow/runs/log-batch", "/api/2.0/mlflow/runs/update"],
            requests.Select(r => r.PathAndQuery));
        Assert.Equal(requests[1].BodyText, requests[2].BodyText);
        var resent = JsonSerializer.Deserialize(requests[2].Body, MlflowJsonContext.Default.LogBatchRequest)!;
        Assert.Equal([1.0, 2.0], resent.Metrics!.Select(m => m.Value));
    }

    [Fact]
    public async Task DisposeAsync_FlushStillFailing_ThrowsSoMetricsAreNotLostSilently()
    {
        await using var stub = await StubServer.StartAsync();
        stub.Enqueue(StubResponse.Json(200, RunJson("run2")));
        stub.Fallback = StubResponse.Error(503, "TEMPORARILY_UNAVAILABLE", "down");
        using var client = new KeelClient(new KeelClientOptions { TrackingUri = stub.BaseAddress, MaxRetries = 0 });
        var run = await client.StartRunAsync(ct: Ct);
        run.LogMetric("m", 1);

        var e = await Assert.ThrowsAsync<KeelApiException>(async () => await run.DisposeAsync());

        Assert.Equal(503, e.StatusCode);
        Assert.DoesNotContain(stub.Requests, r => r.PathAndQuery.EndsWith("runs/update", StringComparison.Ordinal));
    }

    private static string RunJson(string runId) => $$$$"""
        {"run":{"info":{"run_id":"{{{{runId}}}}","run_uuid":"{{{{runId}}}}","experiment_id":"0","status":"RUNNING",
        "artifact_uri":"mlflow-artifacts:/0/{{{{runId}}}}/artifacts","lifecycle_stage":"active"},"data":{},"inputs":{}}}
        """;
}
