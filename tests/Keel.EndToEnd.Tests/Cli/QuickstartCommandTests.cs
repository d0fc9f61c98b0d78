using Keel.Client;
using Keel.Contracts.Mlflow;
using Keel.EndToEnd.Tests.Support;
using Keel.Testing;

namespace Keel.EndToEnd.Tests.Cli;

public sealed class QuickstartCommandTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private static readonly string[] TestMetrics = ["test_accuracy", "test_auc", "test_f1", "test_log_loss", "test_precision", "test_recall"];

    [Fact]
    public async Task Quickstart_AgainstRunningServer_TracksASweepAndRegistersTheBestAsChampion()
    {
        var ct = TestContext.Current.CancellationToken;
        var experiment = $"quickstart-{Guid.NewGuid():N}";
        var modelName = $"classifier-{Guid.NewGuid():N}";

        var result = await KeelCommandLine.RunAsync(
            "quickstart", "--tracking-uri", fixture.Server.BaseAddress.ToString(), "--experiment", experiment, "--model-name", modelName);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var client = new KeelClient(fixture.Server.BaseAddress);
        var experimentId = (await client.GetExperimentByNameAsync(experiment, ct))!.ExperimentId;
        var runs = await client.SearchRunsAsync(new SearchRunsRequest { ExperimentIds = [experimentId] }, ct);
        Assert.True(runs.Runs.Count >= 4, $"expected a sweep of at least 4 runs, got {runs.Runs.Count}");
        Assert.Equal(runs.Runs.Count, runs.Runs.Select(r => ParamsOf(r)["number_of_trees"] + ParamsOf(r)["learning_rate"] + ParamsOf(r)["number_of_leaves"]).Distinct().Count());

        foreach (var run in runs.Runs)
        {
            Assert.Equal("FINISHED", run.Info.Status);
            var parameters = ParamsOf(run);
            var trees = int.Parse(parameters["number_of_trees"], System.Globalization.CultureInfo.InvariantCulture);
            foreach (var metric in TestMetrics)
            {
                var value = Assert.Single(run.Data.Metrics, m => m.Key == metric).Value;
                Assert.InRange(value, 0, metric == "test_log_loss" ? 10 : 1);
            }

            Assert.True(run.Data.Metrics.Single(m => m.Key == "test_auc").Value > 0.9, "a boosted ensemble separates this data well");

            var curve = await client.GetMetricHistoryAsync(run.Info.RunId, "valid_log_loss", ct);
            Assert.Equal(Enumerable.Range(1, trees).Select(s => (long)s), curve.Select(m => m.Step).Order());
            var trainCurve = (await client.GetMetricHistoryAsync(run.Info.RunId, "train_log_loss", ct)).OrderBy(m => m.Step).ToList();
            Assert.True(trainCurve[^1].Value < trainCurve[0].Value, "boosting lowers the training loss");

            var input = Assert.Single(run.Inputs.DatasetInputs);
            Assert.Equal("breast-cancer-wisconsin", input.Dataset!.Name);
            Assert.Equal("local", input.Dataset.SourceType);
            Assert.EndsWith("breast_cancer.csv", input.Dataset.Source, StringComparison.Ordinal);
            // The digest is the manifest hash of the training data's dataset version (SHA-256, 64 hex digits).
            Assert.Matches("^[0-9a-f]{64}$", input.Dataset.Digest!);

            // A package in MLflow's layout: the ML.NET zip, its ONNX export, the MLmodel naming both, the input example.
            var model = (await client.ListArtifactsAsync(run.Info.RunId, "model", ct)).Files.ToDictionary(f => f.Path);
            Assert.True(model["model/model.zip"].FileSize > 1000);
            Assert.True(model["model/model.onnx"].FileSize > 1000);
            Assert.Contains("model/MLmodel", model.Keys);
            Assert.Contains("model/input_example.json", model.Keys);
        }

        var best = runs.Runs
            .OrderByDescending(r => r.Data.Metrics.Single(m => m.Key == "test_auc").Value)
            .ThenBy(r => r.Data.Metrics.Single(m => m.Key == "test_log_loss").Value)
            .First();
        Assert.Contains("Best run by test AUC", result.Stdout, StringComparison.Ordinal);

        // The best run's package is the next version of the named model, aliased champion, loaded back and scored.
        var champion = await client.GetModelVersionByAliasAsync(modelName, "champion", ct);
        Assert.Equal(best.Info.RunId, champion.RunId);
        Assert.Equal("1", champion.Version);
        Assert.Contains($"Registered the best run's model as {modelName} version 1, alias 'champion'", result.Stdout, StringComparison.Ordinal);

        // Lineage runs from the model version through its run to the exact dataset version that trained it.
        var lineage = await client.GetModelVersionLineageAsync(modelName, 1, ct);
        var data = Assert.Single(lineage.Run!.Datasets).DatasetVersion;
        Assert.NotNull(data);
        Assert.Equal("breast-cancer-wisconsin", data.Name);
        Assert.Equal(569, data.RowCount);
        Assert.Equal(best.Inputs.DatasetInputs[0].Dataset!.Digest, data.ManifestHash);
        var profile = (await client.GetDatasetVersionAsync(data.Name, data.Version, ct)).Profile;
        Assert.NotNull(profile);
        Assert.Contains("Data versioned: dataset 'breast-cancer-wisconsin' version", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Loaded models:/{modelName}@champion back (onnx flavor) and scored 6 held-out rows", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"│ 1\s+│ (malignant|benign)\s+│ (malignant|benign)\s+│\s+[0-9.e-]+ │", result.Stdout);
        Assert.Contains($"keel models lineage models:/{modelName}@champion --tracking-uri", result.Stdout, StringComparison.Ordinal);

        // Served and called over both REST protocols, answered by the champion.
        Assert.Contains($"MLflow /invocations: POST http://127.0.0.1:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"/v2/models/{modelName}/infer -> answered by {modelName} version 1", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("{\"predictions\":[{", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"\"model_name\":\"{modelName}\",\"model_version\":\"1\",\"id\":\"quickstart\"", result.Stdout.Replace("\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains($"keel runs show {best.Info.RunId} --tracking-uri {fixture.Server.BaseAddress}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"keel runs list --experiment-name {experiment} --tracking-uri", result.Stdout, StringComparison.Ordinal);

        // Monitored: normal traffic shows no drift, the shifted traffic does; the report's path and the UI's pages are printed.
        Assert.Matches(@"normal traffic\s+\d+ rows: \d+ of 30 features drifted \(share [0-9.]+\), dataset drift no", result.Stdout);
        Assert.Matches(@"with drifted traffic\s+\d+ rows: \d+ of 30 features drifted \(share [0-9.]+\), dataset drift YES", result.Stdout);
        Assert.Contains($"keel monitor show {modelName}-drift --tracking-uri", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Web UI: {fixture.Server.BaseAddress}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{fixture.Server.BaseAddress}experiments/{experimentId}/runs", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{fixture.Server.BaseAddress}models/{modelName}/versions/1 (lineage graph)", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quickstart_EmbeddedServer_LeavesTheRunsInTheDataDirsStore()
    {
        using var data = new TempDirectory("keel-e2e-quickstart");

        var result = await KeelCommandLine.RunAsync(new Dictionary<string, string> { ["KEEL_DATA_DIR"] = data.Path }, "quickstart");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"over {data.Path}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("keel server", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("keel runs list --experiment-name quickstart", result.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(data.Path, "datasets", "breast_cancer.csv")));
        Assert.Contains("Web UI: run `keel server`, then open http://127.0.0.1:5000/", result.Stdout, StringComparison.Ordinal);
        var report = Path.Combine(data.Path, "reports", "breast-cancer-classifier-drift.html");
        Assert.Contains($"Monitoring report: {report}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("<svg", await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken), StringComparison.Ordinal);

        // The printed command as a user types it next: no tracking URI, so it reads the same data dir.
        var listed = await KeelCommandLine.RunAsync(new Dictionary<string, string> { ["KEEL_DATA_DIR"] = data.Path }, "runs", "list", "--experiment-name", "quickstart", "-o", "json");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        var runs = listed.Json["runs"]!.AsArray();
        Assert.True(runs.Count >= 4, listed.Stdout);
        Assert.All(runs, r => Assert.Equal("FINISHED", r!["info"]!["status"]!.GetValue<string>()));

        var bestRunId = runs.Select(r => r!["info"]!["run_id"]!.GetValue<string>()).First(id => result.Stdout.Contains($"keel runs show {id}", StringComparison.Ordinal));
        // What `keel server` over the same folder serves: a fresh server, the same store.
        await using var server = await KeelTestServer.StartAsync(data.Path, TestContext.Current.CancellationToken);
        var downloaded = Path.Combine(data.Path, "downloaded");
        var get = await KeelCommandLine.RunAsync("artifacts", "get", bestRunId, "model/model.zip", "--dest", downloaded, "--tracking-uri", server.BaseAddress.ToString());
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.True(new FileInfo(Path.Combine(downloaded, "model", "model.zip")).Length > 1000);

        // Version 1 (the sweep's best) and the champion as the printed lineage command shows it, from the same data dir:
        // after the drift alert the champion is the retrained version, trained on the labelled data's newer version.
        var environment = new Dictionary<string, string> { ["KEEL_DATA_DIR"] = data.Path };
        var first = await KeelCommandLine.RunAsync(environment, "models", "lineage", "models:/breast-cancer-classifier/1", "-o", "json");
        var lineage = await KeelCommandLine.RunAsync(environment, "models", "lineage", "models:/breast-cancer-classifier@champion", "-o", "json");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(lineage.ExitCode == 0, lineage.ToString());
        Assert.Equal(bestRunId, first.Json["run"]!["run_id"]!.GetValue<string>());
        Assert.NotEqual(bestRunId, lineage.Json["run"]!["run_id"]!.GetValue<string>());
        Assert.Equal("breast-cancer-wisconsin", first.Json["run"]!["datasets"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("breast-cancer-wisconsin", lineage.Json["run"]!["datasets"]![0]!["name"]!.GetValue<string>());
        Assert.NotEqual(first.Json["run"]!["datasets"]![0]!["digest"]!.GetValue<string>(), lineage.Json["run"]!["datasets"]![0]!["digest"]!.GetValue<string>());
    }

    private static Dictionary<string, string> ParamsOf(RunDto run) => run.Data.Params.ToDictionary(p => p.Key, p => p.Value);
}
