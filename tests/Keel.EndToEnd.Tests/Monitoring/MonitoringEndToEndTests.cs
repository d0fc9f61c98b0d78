using Keel.Client;
using Keel.EndToEnd.Tests.Support;
using Keel.Server;
using Keel.Testing;

namespace Keel.EndToEnd.Tests.Monitoring;

/// <summary>
/// Issue 7's end-to-end check on real parts: <c>keel quickstart</c> against a running server serves the champion with
/// prediction logging, sends held-out rows (the training distribution), then the same rows shifted, and labels for the
/// first batch; its monitor must see no drift in the first window, drift and an alert (posted to a webhook listener on
/// loopback) in the second, and accuracy on the labelled rows equal to what the training run measured on those rows.
/// </summary>
public sealed class MonitoringEndToEndTests
{
    [Fact]
    public async Task Quickstart_NormalThenShiftedTraffic_DriftAlertReachesTheWebhookAndQualityMatchesTheTestSplit()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await KeelTestServer.StartAsync(
            new KeelServerOptions { AllowPrivateWebhooks = true, RunMonitorScheduler = false }, runPipelineStages: true, ct: ct);
        await using var webhook = await WebhookListener.StartAsync();
        var model = $"monitored-{Guid.NewGuid():N}"[..24];
        var experiment = $"monitoring-{Guid.NewGuid():N}";

        var result = await KeelCommandLine.RunAsync(
            "quickstart", "--tracking-uri", server.BaseAddress.ToString(), "--experiment", experiment, "--model-name", model,
            "--alert-webhook", webhook.Url.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        using var client = new KeelClient(server.BaseAddress);
        var monitor = model + "-drift";
        var results = await client.GetMonitorResultsAsync(monitor, ct: ct);
        Assert.Equal(2, results.Count);
        var (normal, shifted) = (results[0], results[1]);

        // Traffic from the training distribution: evaluated against the training data found through lineage, no drift.
        Assert.StartsWith("dataset breast-cancer-wisconsin v", normal.Reference, StringComparison.Ordinal);
        Assert.Null(normal.Problem);
        Assert.False(normal.Drift!.DatasetDrift, "held-out rows must not look drifted");
        Assert.True(normal.Drift.DriftedShare < 0.5);
        Assert.DoesNotContain(normal.Alerts, a => a.Kind == "drift");

        // Shifted traffic: dataset drift, the alert recorded and posted to the listener.
        Assert.True(shifted.Drift!.DatasetDrift);
        Assert.True(shifted.CurrentRows > normal.CurrentRows);
        var alert = Assert.Single(shifted.Alerts, a => a.Rule == "dataset-drift");
        var posted = await webhook.WaitForAsync(b => (string?)b["rule"] == "dataset-drift", TimeSpan.FromSeconds(30));
        Assert.Equal(alert.Id, (string?)posted["id"]);
        Assert.Equal(monitor, (string?)posted["monitor"]);
        Assert.Equal(model, (string?)posted["deployment"]);
        Assert.Contains("drift", (string?)posted["message"], StringComparison.Ordinal);
        Assert.Contains("ALERT dataset-drift", result.Stdout, StringComparison.Ordinal);

        // Labels for the held-out rows: accuracy over them is what the training run's evaluator measured on the same rows.
        // Version 1 served the traffic (the retraining the alert triggered has since promoted version 2).
        var champion = await client.GetModelVersionAsync(model, 1, ct);
        var run = await client.GetRunAsync(champion.RunId!, ct);
        var testAccuracy = run.Data.Metrics.Single(m => m.Key == "test_accuracy").Value;
        var quality = normal.Quality!;
        Assert.Equal("classification", quality.Task);
        Assert.True(quality.LabelledRows > 100, $"labelled rows: {quality.LabelledRows}");
        Assert.Equal(testAccuracy, quality.Current["accuracy"], 9);
        Assert.Equal(testAccuracy, quality.Baseline["accuracy"], 9);
        Assert.InRange(quality.Current["roc_auc"], 0.9, 1.0);

        // Every served row was logged with the model and version that answered.
        var logged = await client.ListPredictionsAsync(model, maxResults: 1000, ct: ct);
        Assert.Equal(shifted.CurrentRows, logged.Count);
        Assert.All(logged, r => Assert.Equal((model, champion.Version), (r.Model, r.Version)));

        // The report the quickstart printed exists and has plots.
        var reportPath = result.Stdout.Split('\n').Single(l => l.StartsWith("Monitoring report: ", StringComparison.Ordinal))["Monitoring report: ".Length..].Split(" (data: ")[0];
        var html = await File.ReadAllTextAsync(reportPath, ct);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains(monitor, html, StringComparison.Ordinal);
    }
}
