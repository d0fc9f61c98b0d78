using Keel.Core.Monitoring;
using Keel.Core.Monitoring.Alerts;
using Keel.Server.KeelApi;
using Keel.Server.Tests.Datasets;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Pipelines;

/// <summary>Runs started by events on a real server: a new dataset version, a monitor's alerts; and a server without an executor.</summary>
public sealed class PipelineTriggerTests : IAsyncLifetime
{
    private PipelineTestServer _server = null!;

    private HttpClient Client => _server.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await PipelineTestServer.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task NewDatasetVersion_TriggersThePipelinesNamingTheDataset_Once()
    {
        var dataset = await Client.NewDatasetAsync();
        await Client.RegisterAsync(PipelineFixtures.Named("retrain", $"triggers:\n  - dataset: {dataset}\n"));
        await Client.RegisterAsync(PipelineFixtures.Named("unrelated", "triggers:\n  - dataset: other-data\n"));
        var (manifest, size) = await Client.PushFileAsync();

        var version = await DatasetHttp.OkAsync(Client, HttpMethod.Post, DatasetHttp.Path(dataset) + "/versions",
            new { manifest_hash = manifest, size, file_count = 1, kind = "file" });

        var runs = await _server.Stores.Pipelines.ListRunsAsync(null, 10, Ct);
        var run = Assert.Single(runs);
        Assert.Equal("retrain", run.Pipeline);
        Assert.Equal(Core.Pipelines.PipelineRunTrigger.DatasetVersion, run.Trigger);
        Assert.Equal($"{dataset}@{version["version"]!.GetValue<long>()}", run.TriggerDetail);
        Assert.Equal(2, _server.Dispatcher!.StagesOf(run.Id).Count);
    }

    [Fact]
    public async Task MonitorAlerts_TriggerThePipelinesNamingTheMonitor_OncePerResult_WithTheAlertText()
    {
        await Client.RegisterAsync(PipelineFixtures.Named("retrain", "triggers:\n  - monitor: churn-drift\n"));
        var observers = _server.Services.GetServices<IMonitorResultObserver>().OfType<PipelineEventTriggers>().ToList();
        var triggers = Assert.Single(observers);
        var at = DateTimeOffset.UnixEpoch.AddDays(20_000);
        AlertEvent Alert(string message) => new(Guid.NewGuid().ToString("N"), "churn-drift", "churn", "drift", AlertKind.Drift, message, 0.93, 0.5, at);
        MonitorRunResult Result(params AlertEvent[] alerts) =>
            new("churn-drift", "churn", at, at.AddHours(-1), at, "dataset churn-train v3", 10, 10, null, null, new ServingStats(10, 0, 0, 1, 2), alerts, null);

        triggers.OnResult(Result(Alert("drift share 0.93 ≥ 0.5"), Alert("feature age drifted")));
        triggers.OnResult(Result());
        await triggers.WhenIdleAsync();

        var run = Assert.Single(await _server.Stores.Pipelines.ListRunsAsync("retrain", 10, Ct));
        Assert.Equal(Core.Pipelines.PipelineRunTrigger.MonitorAlert, run.Trigger);
        Assert.Equal("churn-drift: drift share 0.93 ≥ 0.5; feature age drifted", run.TriggerDetail);
    }

    [Fact]
    public async Task MonitorAlerts_WhileARunIsUnderWay_StartNothing_ThenStartOneAfterItEnds()
    {
        await Client.RegisterAsync(PipelineFixtures.Named("retrain", "triggers:\n  - monitor: churn-drift\n"));
        var triggers = Assert.Single(_server.Services.GetServices<IMonitorResultObserver>().OfType<PipelineEventTriggers>());
        var at = DateTimeOffset.UnixEpoch.AddDays(20_000);
        MonitorRunResult Alerting(string message) => new("churn-drift", "churn", at, at.AddHours(-1), at, "dataset churn-train v3", 10, 10, null, null,
            new ServingStats(10, 0, 0, 1, 2), [new(Guid.NewGuid().ToString("N"), "churn-drift", "churn", "drift", AlertKind.Drift, message, 0.93, 0.5, at)], null);
        async Task AlertAsync(string message)
        {
            triggers.OnResult(Alerting(message));
            await triggers.WhenIdleAsync();
        }

        await AlertAsync("first");
        await AlertAsync("second, while the first run is queued");
        var first = Assert.Single(await _server.Stores.Pipelines.ListRunsAsync("retrain", 10, Ct));
        await _server.Stores.Pipelines.SetRunStatusAsync(first.Id, Core.Pipelines.PipelineRunStatus.Succeeded, null, 1, null, Ct);
        await AlertAsync("third, after it ended");

        var runs = await _server.Stores.Pipelines.ListRunsAsync("retrain", 10, Ct);
        Assert.Equal(["churn-drift: third, after it ended", "churn-drift: first"], runs.Select(r => r.TriggerDetail));
    }

    [Fact]
    public async Task Trigger_OnAServerWithoutAnExecutor_Is400NamingTheMissingExecutor_AndDatasetVersionsStillRegister()
    {
        await using var bare = await PipelineTestServer.StartAsync(withDispatcher: false);
        var dataset = await bare.Client.NewDatasetAsync();
        await bare.Client.RegisterAsync(PipelineFixtures.Named("retrain", $"triggers:\n  - dataset: {dataset}\n"));
        var (manifest, size) = await bare.Client.PushFileAsync();

        var answer = await bare.Client.SendAsync(HttpMethod.Post, PipelineHttp.Root + "/retrain/trigger", "{}");
        var version = await DatasetHttp.OkAsync(bare.Client, HttpMethod.Post, DatasetHttp.Path(dataset) + "/versions",
            new { manifest_hash = manifest, size, file_count = 1, kind = "file" });

        PipelineHttp.AssertError(System.Net.HttpStatusCode.BadRequest, "INVALID_STATE", "No pipeline executor configured", answer);
        Assert.Equal(1, version["version"]!.GetValue<long>());
        Assert.Empty(await bare.Stores.Pipelines.ListRunsAsync(null, 10, Ct));
    }
}
