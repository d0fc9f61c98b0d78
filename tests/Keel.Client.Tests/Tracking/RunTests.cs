using Keel.Client.Tests.Support;
using Keel.Contracts.Mlflow;
using Keel.Testing;

namespace Keel.Client.Tests.Tracking;

public sealed class RunTests(ClientServerFixture fixture) : IClassFixture<ClientServerFixture>
{
    private readonly KeelClient _client = fixture.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<RunDto> NewRunAsync(string? experimentId = null)
    {
        experimentId ??= await _client.CreateExperimentAsync(Names.Unique("runs"), ct: Ct);
        return await _client.CreateRunAsync(new CreateRunRequest { ExperimentId = experimentId, RunName = "r" }, Ct);
    }

    [Fact]
    public async Task CreateRunAsync_NoStartTime_FillsStartTimeAndRunsActive()
    {
        var experimentId = await _client.CreateExperimentAsync(Names.Unique("create"), ct: Ct);

        var run = await _client.CreateRunAsync(
            new CreateRunRequest { ExperimentId = experimentId, RunName = "first", Tags = [new KeyValue("k", "v")] }, Ct);

        Assert.Equal(experimentId, run.Info.ExperimentId);
        Assert.Equal("first", run.Info.RunName);
        Assert.Equal("RUNNING", run.Info.Status);
        Assert.Equal("active", run.Info.LifecycleStage);
        Assert.InRange(run.Info.StartTime!.Value, DateTimeOffset.FromUnixTimeSeconds(1_600_000_000).ToUnixTimeMilliseconds(), long.MaxValue);
        Assert.Equal($"mlflow-artifacts:/{experimentId}/{run.Info.RunId}/artifacts", run.Info.ArtifactUri);
        Assert.Contains(new KeyValue("k", "v"), run.Data.Tags);
    }

    [Fact]
    public async Task GetRunAsync_UnknownRun_ThrowsResourceDoesNotExist()
    {
        var e = await Assert.ThrowsAsync<KeelApiException>(() => _client.GetRunAsync("0123456789abcdef0123456789abcdef", Ct));

        Assert.Equal(ErrorCodes.ResourceDoesNotExist, e.ErrorCode);
        Assert.Equal(404, e.StatusCode);
    }

    [Fact]
    public async Task UpdateRunAsync_Finished_ReturnsInfoWithStatusAndEndTime()
    {
        var run = await NewRunAsync();

        var info = await _client.UpdateRunAsync(
            new UpdateRunRequest { RunId = run.Info.RunId, Status = "FINISHED", EndTime = 1_700_000_000_000, RunName = "renamed" }, Ct);

        Assert.Equal("FINISHED", info.Status);
        Assert.Equal(1_700_000_000_000, info.EndTime);
        Assert.Equal("renamed", (await _client.GetRunAsync(run.Info.RunId, Ct)).Info.RunName);
    }

    [Fact]
    public async Task DeleteRunAsync_ThenRestore_LifecycleGoesDeletedThenActive()
    {
        var run = await NewRunAsync();

        await _client.DeleteRunAsync(run.Info.RunId, Ct);
        var deleted = await _client.GetRunAsync(run.Info.RunId, Ct);
        await _client.RestoreRunAsync(run.Info.RunId, Ct);
        var restored = await _client.GetRunAsync(run.Info.RunId, Ct);

        Assert.Equal("deleted", deleted.Info.LifecycleStage);
        Assert.Equal("active", restored.Info.LifecycleStage);
    }

    [Fact]
    public async Task SearchRunsAsync_FilterOnMetric_ReturnsMatchingRunsOnly()
    {
        var experimentId = await _client.CreateExperimentAsync(Names.Unique("search"), ct: Ct);
        var low = await NewRunAsync(experimentId);
        var high = await NewRunAsync(experimentId);
        await _client.LogMetricAsync(low.Info.RunId, "acc", 0.5, ct: Ct);
        await _client.LogMetricAsync(high.Info.RunId, "acc", 0.9, ct: Ct);

        var response = await _client.SearchRunsAsync(
            new SearchRunsRequest { ExperimentIds = [experimentId], Filter = "metrics.acc > 0.7" }, Ct);

        Assert.Equal(high.Info.RunId, Assert.Single(response.Runs).Info.RunId);
    }

    [Fact]
    public async Task SearchAllRunsAsync_SevenRunsPageSizeThree_YieldsAllAcrossPages()
    {
        var experimentId = await _client.CreateExperimentAsync(Names.Unique("all"), ct: Ct);
        var created = new HashSet<string>();
        for (var i = 0; i < 7; i++)
        {
            created.Add((await NewRunAsync(experimentId)).Info.RunId);
        }
        var request = new SearchRunsRequest { ExperimentIds = [experimentId], MaxResults = 3 };

        var first = await _client.SearchRunsAsync(request, Ct);
        var all = new List<string>();
        await foreach (var run in _client.SearchAllRunsAsync(request, Ct))
        {
            all.Add(run.Info.RunId);
        }

        Assert.Equal(3, first.Runs.Count);
        Assert.NotNull(first.NextPageToken);
        Assert.Equal(7, all.Count);
        Assert.Equal(created, all.ToHashSet());
    }

    [Fact]
    public async Task LogMetricAsync_SeveralSteps_HistoryHasThemWithTimestamps()
    {
        var run = await NewRunAsync();

        await _client.LogMetricAsync(run.Info.RunId, "loss", 1.5, step: 1, timestamp: 1_000, ct: Ct);
        await _client.LogMetricAsync(run.Info.RunId, "loss", 0.5, step: 2, ct: Ct);
        await _client.LogMetricAsync(run.Info.RunId, "loss", double.NaN, step: 3, timestamp: 3_000, ct: Ct);

        var history = await _client.GetMetricHistoryAsync(run.Info.RunId, "loss", Ct);
        Assert.Equal([1L, 2L, 3L], history.Select(m => m.Step));
        Assert.Equal(1.5, history[0].Value);
        Assert.Equal(1_000, history[0].Timestamp);
        Assert.True(history[1].Timestamp > 1_600_000_000_000, "A null timestamp means now.");
        Assert.True(double.IsNaN(history[2].Value));
    }

    [Fact]
    public async Task LogParamAsync_SameKeyDifferentValue_ThrowsInvalidParameterValue()
    {
        var run = await NewRunAsync();
        await _client.LogParamAsync(run.Info.RunId, "lr", "0.1", Ct);
        await _client.LogParamAsync(run.Info.RunId, "lr", "0.1", Ct);

        var e = await Assert.ThrowsAsync<KeelApiException>(() => _client.LogParamAsync(run.Info.RunId, "lr", "0.2", Ct));

        Assert.Equal(ErrorCodes.InvalidParameterValue, e.ErrorCode);
        Assert.Equal(400, e.StatusCode);
        Assert.Equal([new KeyValue("lr", "0.1")], (await _client.GetRunAsync(run.Info.RunId, Ct)).Data.Params);
    }

    [Fact]
    public async Task SetTagAsync_ThenDeleteTag_TagComesAndGoes()
    {
        var run = await NewRunAsync();

        await _client.SetTagAsync(run.Info.RunId, "note", "hello", Ct);
        var tagged = await _client.GetRunAsync(run.Info.RunId, Ct);
        await _client.DeleteTagAsync(run.Info.RunId, "note", Ct);
        var untagged = await _client.GetRunAsync(run.Info.RunId, Ct);

        Assert.Contains(new KeyValue("note", "hello"), tagged.Data.Tags);
        Assert.DoesNotContain(untagged.Data.Tags, t => t.Key == "note");
    }

    [Fact]
    public async Task LogBatchAsync_BeyondMlflowLimits_SplitsIntoRequestsAndLogsEverything()
    {
        var run = await NewRunAsync();
        var metrics = Enumerable.Range(0, 2_345)
            .Select(i => new MetricDto { Key = "m", Value = i, Step = i, Timestamp = 1_000 + i })
            .ToArray();
        var parameters = Enumerable.Range(0, 250).Select(i => new KeyValue($"p{i:000}", $"{i}")).ToArray();
        var tags = Enumerable.Range(0, 150).Select(i => new KeyValue($"t{i:000}", $"{i}")).ToArray();

        await _client.LogBatchAsync(run.Info.RunId, metrics, parameters, tags, Ct);

        var logged = await _client.GetRunAsync(run.Info.RunId, Ct);
        Assert.Equal(250, logged.Data.Params.Count);
        Assert.Equal(150, logged.Data.Tags.Count(t => t.Key.StartsWith('t')));
        var history = await _client.GetMetricHistoryAsync(run.Info.RunId, "m", Ct);
        Assert.Equal(Enumerable.Range(0, 2_345).Select(i => (long)i), history.Select(m => m.Step));
    }

    [Fact]
    public async Task LogBatchAsync_NothingToLog_SucceedsForAnActiveRun()
    {
        var run = await NewRunAsync();

        await _client.LogBatchAsync(run.Info.RunId, ct: Ct);

        Assert.Empty((await _client.GetRunAsync(run.Info.RunId, Ct)).Data.Metrics);
    }

    [Fact]
    public async Task LogInputsAsync_Dataset_AppearsInRunInputs()
    {
        var run = await NewRunAsync();
        var input = new DatasetInputDto
        {
            Tags = [new KeyValue("mlflow.data.context", "training")],
            Dataset = new DatasetDto { Name = "iris", Digest = "abc123", SourceType = "local", Source = "{\"uri\":\"iris.csv\"}" },
        };

        await _client.LogInputsAsync(run.Info.RunId, [input], Ct);

        var logged = Assert.Single((await _client.GetRunAsync(run.Info.RunId, Ct)).Inputs.DatasetInputs);
        Assert.Equal("iris", logged.Dataset?.Name);
        Assert.Equal("abc123", logged.Dataset?.Digest);
        Assert.Contains(new KeyValue("mlflow.data.context", "training"), logged.Tags ?? []);
    }

    [Fact]
    public async Task GetMetricHistoryAsync_UnknownKey_ReturnsEmpty()
    {
        var run = await NewRunAsync();

        Assert.Empty(await _client.GetMetricHistoryAsync(run.Info.RunId, "never-logged", Ct));
    }
}
