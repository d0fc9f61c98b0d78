using Keel.Cli;
using Keel.Client;
using Keel.EndToEnd.Tests.Support;
using Keel.Testing;

namespace Keel.EndToEnd.Tests.Cli;

/// <summary><c>keel models download</c> and <c>keel models lineage</c>: commands that resolve a model URI first.</summary>
public sealed class ModelsPackageCommandsTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>, IDisposable
{
    private readonly KeelClient _client = new(fixture.Server.BaseAddress);
    private readonly TempDirectory _local = new("keel-e2e-model-packages");

    private string Uri => fixture.Server.BaseAddress.ToString();

    public void Dispose()
    {
        _client.Dispose();
        _local.Dispose();
    }

    [Fact]
    public async Task Download_VersionUri_PutsThePackagesFilesInDest()
    {
        var (name, _) = await RegisterAsync();
        var destination = Path.Combine(_local.Path, "by-version");

        var downloaded = await Keel("models", "download", $"models:/{name}/1", "--dest", destination);

        Assert.True(downloaded.ExitCode == 0, downloaded.ToString());
        Assert.Equal(destination, downloaded.Stdout.Trim().Split('\n')[^1]);
        Assert.Contains($"Downloaded {name} version 1", downloaded.Stdout, StringComparison.Ordinal);
        Assert.Equal(ModelRuns.Weights(), await File.ReadAllBytesAsync(Path.Combine(destination, ModelRuns.ModelFile), TestContext.Current.CancellationToken));
        Assert.True(File.Exists(Path.Combine(destination, "MLmodel")));
    }

    [Fact]
    public async Task Download_AliasUriAsJson_NamesTheResolvedVersionAndTheLocalPath()
    {
        var (name, runId) = await RegisterAsync();
        await _client.SetRegisteredModelAliasAsync(name, "champion", 1, TestContext.Current.CancellationToken);
        var destination = Path.Combine(_local.Path, "by-alias");

        var downloaded = await Keel("models", "download", $"models:/{name}@champion", "--dest", destination, "-o", "json");

        Assert.True(downloaded.ExitCode == 0, downloaded.ToString());
        var json = downloaded.Json;
        Assert.Equal(name, json["model_name"]!.GetValue<string>());
        Assert.Equal("1", json["version"]!.GetValue<string>());
        Assert.Equal(runId, json["run_id"]!.GetValue<string>());
        Assert.Equal(destination, json["local_path"]!.GetValue<string>());
        Assert.True(json["bytes"]!.GetValue<long>() > ModelRuns.Weights().Length);
        Assert.True(File.Exists(Path.Combine(destination, ModelRuns.ModelFile)));
    }

    [Fact]
    public async Task Download_RunsUriWithoutDest_UsesTheSourceFolderName()
    {
        var runId = await ModelRuns.CreateAsync(_client, _local.Path);
        var workingDirectory = Directory.CreateDirectory(Path.Combine(_local.Path, "cwd")).FullName;
        var stdout = new SynchronizedWriter();
        var stderr = new SynchronizedWriter();

        var exitCode = await KeelCli.RunAsync(
            ["models", "download", $"runs:/{runId}/model", "--tracking-uri", Uri],
            KeelCommandLine.Host(stdout, stderr, workingDirectory: workingDirectory),
            TestContext.Current.CancellationToken);

        Assert.True(exitCode == 0, stderr.Text);
        Assert.True(File.Exists(Path.Combine(workingDirectory, "model", ModelRuns.ModelFile)), stdout.Text);
    }

    [Fact]
    public async Task Download_UnknownAlias_ExitsOneWithTheServersNotFoundLine()
    {
        var (name, _) = await RegisterAsync();

        var downloaded = await Keel("models", "download", $"models:/{name}@missing", "--dest", Path.Combine(_local.Path, "never"));

        Assert.Equal(1, downloaded.ExitCode);
        var line = Assert.Single(downloaded.StderrLines);
        Assert.StartsWith("error: RESOURCE_DOES_NOT_EXIST: ", line, StringComparison.Ordinal);
        Assert.Contains("missing", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_local.Path, "never")));
    }

    [Theory]
    [InlineData("fraud/1")]
    [InlineData("models:/fraud")]
    [InlineData("models:/fraud/1/extra")]
    [InlineData("models:/@champion")]
    public async Task Download_MalformedUri_IsAUsageErrorNamingTheRule(string uri)
    {
        var downloaded = await Keel("models", "download", uri);

        Assert.Equal(2, downloaded.ExitCode);
        var line = Assert.Single(downloaded.StderrLines);
        Assert.StartsWith($"error: invalid model URI '{uri}': expected models:/<name>/<version>", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lineage_AliasUri_PrintsATreeFromTheVersionDownToParamsMetricsAndData()
    {
        var (name, runId) = await RegisterAsync();
        await _client.SetRegisteredModelAliasAsync(name, "champion", 1, TestContext.Current.CancellationToken);

        var lineage = await Keel("models", "lineage", $"models:/{name}@champion");

        Assert.True(lineage.ExitCode == 0, lineage.ToString());
        var lines = lineage.Stdout.Split('\n');
        Assert.StartsWith($"{name} version 1", lines[0], StringComparison.Ordinal);
        Assert.Contains("@champion", lines[0], StringComparison.Ordinal);
        var run = Assert.Single(lines, l => l.Contains($"run trainer {runId}", StringComparison.Ordinal));
        Assert.Contains("FINISHED", run, StringComparison.Ordinal);
        Assert.Contains("git 0badc0ffee", run, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("learning_rate = 0.125", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("auc = 0.875", StringComparison.Ordinal));
        var dataset = Assert.Single(lines, l => l.Contains("transactions", StringComparison.Ordinal));
        Assert.Contains("digest d1g35t", dataset, StringComparison.Ordinal);
        Assert.Contains("/data/transactions.csv", dataset, StringComparison.Ordinal);
        // The tree's guides put the params one level below the run.
        Assert.True(
            Array.FindIndex(lines, l => l.Contains("learning_rate", StringComparison.Ordinal)) > Array.IndexOf(lines, run),
            lineage.Stdout);
    }

    [Fact]
    public async Task Lineage_StageUriAsJson_IsKeelsLineageJson()
    {
        var (name, runId) = await RegisterAsync();
        await _client.TransitionModelVersionStageAsync(name, 1, "Staging", ct: TestContext.Current.CancellationToken);

        var lineage = await Keel("models", "lineage", $"models:/{name}/Staging", "-o", "json");

        Assert.True(lineage.ExitCode == 0, lineage.ToString());
        var json = lineage.Json;
        Assert.Equal(name, json["model_version"]!["name"]!.GetValue<string>());
        Assert.Equal("Staging", json["model_version"]!["current_stage"]!.GetValue<string>());
        Assert.Equal(runId, json["run"]!["run_id"]!.GetValue<string>());
        Assert.Equal("0badc0ffee", json["run"]!["git_commit"]!.GetValue<string>());
        Assert.Contains(json["run"]!["params"]!.AsArray(), p => p!["key"]!.GetValue<string>() == "learning_rate");
        Assert.Equal("transactions", json["run"]!["datasets"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Lineage_UnknownModel_ExitsOneWithTheServersNotFoundLine()
    {
        var lineage = await Keel("models", "lineage", $"models:/{ModelRuns.NewModelName()}/1");

        Assert.Equal(1, lineage.ExitCode);
        Assert.StartsWith("error: RESOURCE_DOES_NOT_EXIST: ", Assert.Single(lineage.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lineage_RunsUri_IsAUsageErrorAskingForARegistryReference()
    {
        var lineage = await Keel("models", "lineage", "runs:/0123456789abcdef/model");

        Assert.Equal(2, lineage.ExitCode);
        Assert.Equal(
            "error: invalid model URI 'runs:/0123456789abcdef/model': expected models:/<name>/<version>, models:/<name>/<stage> or models:/<name>@<alias>",
            Assert.Single(lineage.StderrLines));
    }

    private Task<CliResult> Keel(params string[] args) => KeelCommandLine.RunAsync([.. args, "--tracking-uri", Uri]);

    private async Task<(string Name, string RunId)> RegisterAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var runId = await ModelRuns.CreateAsync(_client, _local.Path);
        var name = ModelRuns.NewModelName();
        await _client.CreateRegisteredModelAsync(name, ct: ct);
        await _client.CreateModelVersionAsync(name, $"runs:/{runId}/model", ct: ct);
        return (name, runId);
    }
}
