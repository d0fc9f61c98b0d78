using Keel.Client;
using Keel.Core.Pipelines;
using Keel.Core.Registry;
using Keel.EndToEnd.Tests.Support;
using Keel.Server;
using Keel.Testing;

namespace Keel.EndToEnd.Tests.ContinuousTraining;

/// <summary>
/// Issue 8's continuous-training check on real parts (Kestrel, SQLite, stages run as real `keel` processes by the server):
/// the quickstart's drift alert triggers the retraining pipeline, whose candidate passes its gate and becomes champion,
/// and serving answers from it; then a deliberately worse candidate fails the same gate and cannot be promoted; rollback
/// restores the previous champion; the alias history shows each move with who and why.
/// </summary>
public sealed class ContinuousTrainingEndToEndTests
{
    [Fact]
    public async Task DriftAlert_RetrainsAndPromotes_WorseCandidateIsGated_RollbackRestoresThePreviousChampion()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await KeelTestServer.StartAsync(new KeelServerOptions { RunMonitorScheduler = false }, runPipelineStages: true, ct: ct);
        using var work = new TempDirectory("keel-ct");
        var model = $"ct-{Guid.NewGuid():N}"[..20];
        var uri = server.BaseAddress.ToString();

        var quickstart = await KeelCommandLine.RunAsync("quickstart", "--tracking-uri", uri, "--experiment", $"ct-{Guid.NewGuid():N}", "--model-name", model);

        Assert.True(quickstart.ExitCode == 0, quickstart.ToString());
        Assert.Contains("version 2 replaced version 1 as champion (validation passed); serving now answers from version 2", quickstart.Stdout, StringComparison.Ordinal);
        using var client = new KeelClient(server.BaseAddress);
        var run = Assert.Single((await client.ListPipelineRunsAsync(model + "-retrain", ct: ct)).Runs!);
        Assert.Equal((nameof(PipelineRunTrigger.MonitorAlert), nameof(PipelineRunStatus.Succeeded)), (run.Trigger, run.Status));
        Assert.StartsWith(model + "-drift: dataset drift", run.TriggerDetail, StringComparison.Ordinal);
        Assert.Equal(["prepare", "train", "evaluate", "validate", "promote"], run.Stages!.Select(s => s.Stage));
        Assert.All(run.Stages!, s => Assert.Equal(nameof(StageRunStatus.Succeeded), s.Status));
        var retrained = await client.GetModelVersionByAliasAsync(model, "champion", ct);
        Assert.Equal("2", retrained.Version);
        Assert.Equal(ValidationTags.Passed, Tag(retrained, ValidationTags.Status));

        // A worse candidate: the same trainer on the same rows with every diagnosis flipped.
        var flipped = Path.Combine(work.Path, "flipped.csv");
        await File.WriteAllLinesAsync(flipped, FlippedLabels(await File.ReadAllLinesAsync(RepositoryFile("examples/data/breast-cancer/breast_cancer.csv"), ct)), ct);
        var environment = new Dictionary<string, string> { ["KEEL_TRACKING_URI"] = uri };
        var trained = await KeelCommandLine.RunAsync(environment, "quickstart-stage", "train", "--data", flipped, "--dataset", "breast-cancer-wisconsin",
            "--model-name", model, "--trees", "50", "--learning-rate", "0.2", "--leaves", "4", "--replaces", "2",
            "--version-file", Path.Combine(work.Path, "version"), "--metrics", Path.Combine(work.Path, "metrics.json"));
        Assert.True(trained.ExitCode == 0, trained.ToString());
        Assert.Equal("3", (await File.ReadAllTextAsync(Path.Combine(work.Path, "version"), ct)).Trim());

        var gates = Path.Combine(work.Path, "gates.yaml");
        await File.WriteAllTextAsync(gates, "label: label\nmetrics: {min: {accuracy: 0.9}}\nregression: {accuracy: 0.02}\n", ct);
        var labelled = (await client.GetDatasetAsync("breast-cancer-wisconsin", ct)).LatestVersion!.Value;
        var gated = await KeelCommandLine.RunAsync("models", "validate", $"models:/{model}/3", "--against", "@champion",
            "--data", $"breast-cancer-wisconsin@{labelled}", "--rules", gates, "--tracking-uri", uri);
        var promoted = await KeelCommandLine.RunAsync("models", "promote", $"models:/{model}/3", "--alias", "champion", "--tracking-uri", uri);

        Assert.True(gated.ExitCode == 3, gated.ToString());
        Assert.Equal(ValidationTags.Failed, Tag(await client.GetModelVersionAsync(model, 3, ct), ValidationTags.Status));
        Assert.NotEqual(0, promoted.ExitCode);
        Assert.Contains("validation", promoted.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("2", (await client.GetModelVersionByAliasAsync(model, "champion", ct)).Version);

        var rolledBack = await KeelCommandLine.RunAsync("models", "rollback", model, "--alias", "champion", "--reason", "retrained model under review",
            "--user", "ops", "--tracking-uri", uri);

        Assert.True(rolledBack.ExitCode == 0, rolledBack.ToString());
        Assert.Equal("1", (await client.GetModelVersionByAliasAsync(model, "champion", ct)).Version);
        var history = await client.GetAliasHistoryAsync(model, "champion", ct);
        Assert.Equal(
            [("set", (long?)null, (long?)1), ("promote", 1, 2), ("rollback", 2, 1)],
            history.Select(m => (m.Kind, m.PreviousVersion, m.NewVersion)));
        Assert.Contains(run.Id!, history[1].Reason, StringComparison.Ordinal);
        Assert.Equal(("ops", "retrained model under review"), (history[2].User, history[2].Reason));
    }

    private static string? Tag(Contracts.Mlflow.ModelVersionDto version, string key) => version.Tags?.FirstOrDefault(t => t.Key == key)?.Value;

    private static IEnumerable<string> FlippedLabels(IEnumerable<string> lines) =>
        lines.Where(l => l.Length > 0).Select((line, i) => i == 0 ? line : line[..^1] + (line[^1] == '1' ? '0' : '1'));

    private static string RepositoryFile(string relative)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
