using Keel.Client;
using Keel.Contracts.Mlflow;
using Keel.EndToEnd.Tests.Support;
using Keel.Testing;

namespace Keel.EndToEnd.Tests.Cli;

public sealed class ModelsCommandsTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>, IDisposable
{
    private readonly KeelClient _client = new(fixture.Server.BaseAddress);
    private readonly TempDirectory _local = new("keel-e2e-models");

    private string Uri => fixture.Server.BaseAddress.ToString();

    public void Dispose()
    {
        _client.Dispose();
        _local.Dispose();
    }

    [Fact]
    public async Task Register_RunsUri_CreatesTheModelThenAddsVersions()
    {
        var runId = await ModelRuns.CreateAsync(_client, _local.Path);
        var name = ModelRuns.NewModelName();

        var first = await Keel("models", "register", $"runs:/{runId}/model", "--name", name);
        var second = await Keel("models", "register", $"runs:/{runId}/model", "--name", name, "--description", "retrained", "-o", "json");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal($"Registered {name} version 1", first.Stdout.Trim());
        Assert.True(second.ExitCode == 0, second.ToString());
        var version = second.Json["model_version"]!;
        Assert.Equal("2", version["version"]!.GetValue<string>());
        Assert.Equal(runId, version["run_id"]!.GetValue<string>());
        Assert.Equal("retrained", version["description"]!.GetValue<string>());
        Assert.StartsWith("mlflow-artifacts:/", version["source"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_Filter_ShowsLatestVersionAliasesAndDescription()
    {
        var prefix = $"listed-{Guid.NewGuid():N}";
        var name = await RegisterAsync(versions: 2, modelName: $"{prefix}-a");
        await _client.UpdateRegisteredModelAsync(name, "fraud scorer", TestContext.Current.CancellationToken);
        await _client.SetRegisteredModelAliasAsync(name, "champion", 1, TestContext.Current.CancellationToken);
        var other = await RegisterAsync(versions: 1, modelName: $"{prefix}-b");
        var unrelated = await RegisterAsync(versions: 1);

        var table = await Keel("models", "list", "--filter", $"name LIKE '{prefix}%'");
        var json = await Keel("models", "list", "--filter", $"name LIKE '{prefix}%'", "-o", "json");
        var limited = await Keel("models", "list", "--filter", $"name LIKE '{prefix}%'", "--max-results", "1", "-o", "json");

        Assert.True(table.ExitCode == 0, table.ToString());
        var row = Assert.Single(table.Stdout.Split('\n'), l => l.Contains(name, StringComparison.Ordinal));
        Assert.Contains(" 2 ", row, StringComparison.Ordinal);
        Assert.Contains("champion → 1", row, StringComparison.Ordinal);
        Assert.Contains("fraud scorer", row, StringComparison.Ordinal);
        Assert.Contains(other, table.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(unrelated, table.Stdout, StringComparison.Ordinal);
        Assert.Contains("2 model(s).", table.Stdout, StringComparison.Ordinal);
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal([name, other], json.Json["registered_models"]!.AsArray().Select(m => m!["name"]!.GetValue<string>()));
        Assert.Single(limited.Json["registered_models"]!.AsArray());
    }

    [Fact]
    public async Task Show_Model_PrintsAliasesTagsAndTheLatestVersionOfEachStage()
    {
        var name = await RegisterAsync(versions: 3);
        var ct = TestContext.Current.CancellationToken;
        await _client.TransitionModelVersionStageAsync(name, 2, "Production", ct: ct);
        await _client.SetRegisteredModelAliasAsync(name, "champion", 2, ct);
        await _client.SetRegisteredModelTagAsync(name, "team", "risk", ct);

        var table = await Keel("models", "show", name);
        var json = await Keel("models", "show", name, "-o", "json");

        Assert.True(table.ExitCode == 0, table.ToString());
        var lines = table.Stdout.Split('\n');
        Assert.Contains(lines, l => l.Contains("champion", StringComparison.Ordinal) && l.Contains('2', StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Production", StringComparison.Ordinal) && l.Contains(" 2 ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("None", StringComparison.Ordinal) && l.Contains(" 3 ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("team", StringComparison.Ordinal) && l.Contains("risk", StringComparison.Ordinal));
        Assert.True(json.ExitCode == 0, json.ToString());
        var model = json.Json["registered_model"]!;
        Assert.Equal(name, model["name"]!.GetValue<string>());
        Assert.Equal("2", model["aliases"]![0]!["version"]!.GetValue<string>());
        Assert.Contains(model["latest_versions"]!.AsArray(), v => v!["current_stage"]!.GetValue<string>() == "Production");
    }

    [Fact]
    public async Task Versions_Model_ListsNewestFirstWithStageAliasesAndRun()
    {
        var runId = await ModelRuns.CreateAsync(_client, _local.Path);
        var name = await RegisterAsync(versions: 2, runId: runId);
        await _client.SetRegisteredModelAliasAsync(name, "challenger", 2, TestContext.Current.CancellationToken);

        var table = await Keel("models", "versions", name);
        var json = await Keel("models", "versions", name, "-o", "json");

        Assert.True(table.ExitCode == 0, table.ToString());
        var rows = table.Stdout.Split('\n').Where(l => l.Contains(runId, StringComparison.Ordinal)).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Contains("challenger", rows[0], StringComparison.Ordinal);
        Assert.Contains("None", rows[0], StringComparison.Ordinal);
        Assert.Contains("READY", rows[0], StringComparison.Ordinal);
        Assert.Contains("mlflow-artifacts:/", rows[0], StringComparison.Ordinal);
        Assert.DoesNotContain("challenger", rows[1], StringComparison.Ordinal);
        Assert.Contains("2 version(s).", table.Stdout, StringComparison.Ordinal);
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal(["2", "1"], json.Json["model_versions"]!.AsArray().Select(v => v!["version"]!.GetValue<string>()));
    }

    [Fact]
    public async Task AliasSetAndDelete_MoveThenRemoveTheAlias()
    {
        var name = await RegisterAsync(versions: 2);

        var set = await Keel("models", "alias", "set", name, "champion", "1");
        var moved = await Keel("models", "alias", "set", name, "champion", "2", "-o", "json");
        var deleted = await Keel("models", "alias", "delete", name, "champion");

        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Equal($"Alias 'champion' of {name} now points at version 1.", set.Stdout.Trim());
        Assert.True(moved.ExitCode == 0, moved.ToString());
        Assert.Equal("2", moved.Json["model_version"]!["version"]!.GetValue<string>());
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Equal($"Deleted alias 'champion' of {name}.", deleted.Stdout.Trim());
        Assert.Empty((await _client.GetRegisteredModelAsync(name, TestContext.Current.CancellationToken)).Aliases);
    }

    [Fact]
    public async Task AliasDelete_UnknownAlias_SucceedsLikeMlflow()
    {
        var name = await RegisterAsync(versions: 1);

        var deleted = await Keel("models", "alias", "delete", name, "missing");

        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Equal($"Deleted alias 'missing' of {name}.", deleted.Stdout.Trim());
        Assert.Empty(deleted.StderrLines);
    }

    [Fact]
    public async Task AliasDelete_UnknownModel_ExitsOneWithTheServersNotFoundLine()
    {
        var name = ModelRuns.NewModelName();

        var deleted = await Keel("models", "alias", "delete", name, "champion");

        Assert.Equal(1, deleted.ExitCode);
        Assert.Equal($"error: RESOURCE_DOES_NOT_EXIST: Registered Model with name={name} not found", Assert.Single(deleted.StderrLines));
    }

    [Fact]
    public async Task List_NoTrackingUri_ServesTheLocalDataDir()
    {
        using var dataDir = new TempDirectory("keel-e2e-models-data");

        var listed = await KeelCommandLine.RunAsync("models", "list", "--data-dir", dataDir.Path);

        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Equal("No registered models.", listed.Stdout.Trim());
    }

    [Fact]
    public async Task Stage_ProductionWithArchiveExisting_ArchivesThePreviousProductionVersion()
    {
        var name = await RegisterAsync(versions: 2);

        var first = await Keel("models", "stage", name, "1", "production");
        var second = await Keel("models", "stage", name, "2", "Production", "--archive-existing", "-o", "json");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal($"Moved {name} version 1 to Production.", first.Stdout.Trim());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal("Production", second.Json["model_version"]!["current_stage"]!.GetValue<string>());
        var previous = await _client.GetModelVersionAsync(name, 1, TestContext.Current.CancellationToken);
        Assert.Equal("Archived", previous.CurrentStage);
    }

    [Fact]
    public async Task Rename_Model_TakesItsVersionsAlong()
    {
        var name = await RegisterAsync(versions: 1);
        var newName = ModelRuns.NewModelName();

        var renamed = await Keel("models", "rename", name, newName);

        Assert.True(renamed.ExitCode == 0, renamed.ToString());
        Assert.Equal($"Renamed model '{name}' to '{newName}'.", renamed.Stdout.Trim());
        Assert.Equal(newName, (await _client.GetModelVersionAsync(newName, 1, TestContext.Current.CancellationToken)).Name);
    }

    [Fact]
    public async Task Delete_VersionThenWholeModelWithYes_RemovesThem()
    {
        var name = await RegisterAsync(versions: 2);

        var version = await Keel("models", "delete", name, "--version", "1");
        var model = await Keel("models", "delete", name, "--yes", "-o", "json");
        var shown = await Keel("models", "show", name);

        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.Equal($"Deleted {name} version 1.", version.Stdout.Trim());
        Assert.True(model.ExitCode == 0, model.ToString());
        Assert.True(model.Json["deleted"]!.GetValue<bool>());
        Assert.Equal(1, shown.ExitCode);
    }

    [Fact]
    public async Task Delete_WholeModelWithoutYes_IsAUsageErrorAndDeletesNothing()
    {
        var name = await RegisterAsync(versions: 1);

        var deleted = await Keel("models", "delete", name);

        Assert.Equal(2, deleted.ExitCode);
        var line = Assert.Single(deleted.StderrLines);
        Assert.StartsWith($"error: deleting model '{name}' removes all its versions", line, StringComparison.Ordinal);
        Assert.Contains("--yes", line, StringComparison.Ordinal);
        Assert.Equal(name, (await _client.GetRegisteredModelAsync(name, TestContext.Current.CancellationToken)).Name);
    }

    [Theory]
    [InlineData("show")]
    [InlineData("versions")]
    public async Task UnknownModel_ExitsOneWithTheServersNotFoundLine(string command)
    {
        var name = ModelRuns.NewModelName();

        var result = await Keel("models", command, name);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: RESOURCE_DOES_NOT_EXIST: Registered Model with name={name} not found", Assert.Single(result.StderrLines));
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task Stage_UnknownVersion_ExitsOneWithTheServersNotFoundLine()
    {
        var name = await RegisterAsync(versions: 1);

        var result = await Keel("models", "stage", name, "7", "Staging");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: RESOURCE_DOES_NOT_EXIST: Model Version (name={name}, version=7) not found", Assert.Single(result.StderrLines));
    }

    [Fact]
    public async Task Stage_BadStage_IsAUsageErrorListingTheStages()
    {
        var result = await Keel("models", "stage", "any-model", "1", "Live");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.Contains("stage must be one of None, Staging, Production, Archived, not 'Live'.", line, StringComparison.Ordinal);
        Assert.EndsWith("See 'keel models stage --help'.", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("s3://bucket/model")]
    [InlineData("runs:/")]
    [InlineData("models:/fraud/1")]
    public async Task Register_SourceOutsideTheArtifactStore_IsAUsageErrorNamingTheRule(string uri)
    {
        var result = await Keel("models", "register", uri, "--name", ModelRuns.NewModelName());

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(
            $"error: invalid model URI '{uri}': expected runs:/<run-id>/<path> or mlflow-artifacts:/<path>",
            Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsEveryModelsCommand()
    {
        var result = await KeelCommandLine.RunAsync("models");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var command in new[] { "list", "show", "versions", "register", "rename", "delete", "alias", "stage", "download", "lineage" })
        {
            Assert.Contains(command, result.Stdout, StringComparison.Ordinal);
        }
    }

    private Task<CliResult> Keel(params string[] args) => KeelCommandLine.RunAsync([.. args, "--tracking-uri", Uri]);

    /// <summary>A new registered model with <paramref name="versions"/> versions of one run's <c>model/</c> folder.</summary>
    private async Task<string> RegisterAsync(int versions, string? modelName = null, string? runId = null)
    {
        var ct = TestContext.Current.CancellationToken;
        runId ??= await ModelRuns.CreateAsync(_client, _local.Path);
        var name = modelName ?? ModelRuns.NewModelName();
        await _client.CreateRegisteredModelAsync(name, ct: ct);
        for (var i = 0; i < versions; i++)
        {
            await _client.CreateModelVersionAsync(name, $"runs:/{runId}/model", ct: ct);
        }

        return name;
    }
}

/// <summary>Runs that hold a small model package, as a training job leaves them.</summary>
internal static class ModelRuns
{
    public const string ModelFile = "model.onnx";

    public static string NewModelName() => $"model-{Guid.NewGuid():N}";

    /// <summary>
    /// A finished run with a param, a metric, a git commit tag, a training dataset, and a <c>model/</c> folder
    /// holding an MLmodel file and a 64 KiB weights file.
    /// </summary>
    public static async Task<string> CreateAsync(KeelClient client, string scratch)
    {
        var ct = TestContext.Current.CancellationToken;
        var experimentId = await client.CreateExperimentAsync($"models-{Guid.NewGuid():N}", ct: ct);
        await using var run = await client.StartRunAsync(
            experimentId, "trainer", new Dictionary<string, string> { ["mlflow.source.git.commit"] = "0badc0ffee" }, ct);
        await run.LogParamAsync("learning_rate", "0.125", ct);
        run.LogMetric("auc", 0.875);
        await client.LogInputsAsync(run.RunId, [new DatasetInputDto
        {
            Dataset = new DatasetDto { Name = "transactions", Digest = "d1g35t", SourceType = "local", Source = "/data/transactions.csv" },
            Tags = [new KeyValue("mlflow.data.context", "training")],
        }], ct);
        var folder = Directory.CreateDirectory(Path.Combine(scratch, $"package-{Guid.NewGuid():N}")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "MLmodel"), "flavors:\n  onnx:\n    data: model.onnx\n", ct);
        await File.WriteAllBytesAsync(Path.Combine(folder, ModelFile), Weights(), ct);
        await run.LogArtifactsAsync(folder, "model", ct);
        await run.EndAsync(ct: ct);
        return run.RunId;
    }

    public static byte[] Weights()
    {
        var bytes = new byte[64 * 1024];
        new Random(11).NextBytes(bytes);
        return bytes;
    }
}
