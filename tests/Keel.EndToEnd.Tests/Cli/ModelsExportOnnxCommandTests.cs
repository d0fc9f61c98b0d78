using Keel.Cli;
using Keel.Client;
using Keel.Client.Models;
using Keel.Core.Models;
using Keel.Core.Models.Packages;
using Keel.EndToEnd.Tests.Support;
using Keel.Testing;
using Microsoft.ML;

namespace Keel.EndToEnd.Tests.Cli;

public sealed class ExportRow
{
    public float Width { get; set; }

    public float Height { get; set; }

    public bool Label { get; set; }
}

/// <summary><c>keel models export-onnx</c>: an ML.NET package in the store gains a checked onnx flavor.</summary>
public sealed class ModelsExportOnnxCommandTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>, IDisposable
{
    private readonly KeelClient _client = new(fixture.Server.BaseAddress);
    private readonly TempDirectory _local = new("keel-e2e-export-onnx");

    private string Uri => fixture.Server.BaseAddress.ToString();

    public void Dispose()
    {
        _client.Dispose();
        _local.Dispose();
    }

    [Fact]
    public async Task ExportOnnx_MlNetPackage_AddsACheckedOnnxFlavorThatLoadingThenPrefers()
    {
        var name = await RegisterMlNetAsync(withExample: true);

        var exported = await Keel("models", "export-onnx", $"models:/{name}@champion");

        Assert.True(exported.ExitCode == 0, exported.ToString());
        Assert.Contains($"Added the onnx flavor (model.onnx) to models:/{name}@champion", exported.Stdout, StringComparison.Ordinal);
        Assert.Contains("ONNX Runtime matches ML.NET on the 4 input-example row(s)", exported.Stdout, StringComparison.Ordinal);
        var ct = TestContext.Current.CancellationToken;
        var package = await _client.DownloadModelAsync($"models:/{name}/1", Path.Combine(_local.Path, name), ct: ct);
        var mlModel = MlModel.Parse(await File.ReadAllTextAsync(Path.Combine(package, "MLmodel"), ct));
        Assert.Equal("model.onnx", mlModel.GetString("onnx", "data"));
        Assert.Equal("model.zip", mlModel.GetString("mlnet", "model_path"));
        using var loaded = await _client.LoadModelAsync($"models:/{name}/1", ct);
        Assert.Equal("onnx", loaded.Flavor);
    }

    [Fact]
    public async Task ExportOnnx_Json_ReportsTheDifferencePerOutputColumn()
    {
        var name = await RegisterMlNetAsync(withExample: true);

        var exported = await Keel("models", "export-onnx", $"models:/{name}/1", "-o", "json");

        Assert.True(exported.ExitCode == 0, exported.ToString());
        Assert.Equal(4, exported.Json["checked_rows"]!.GetValue<int>());
        var columns = exported.Json["columns"]!.AsArray().ToDictionary(c => c!["column"]!.GetValue<string>(), c => c!["max_difference"]!.GetValue<double>());
        Assert.Equal(["PredictedLabel", "Probability", "Score"], columns.Keys.Order(StringComparer.Ordinal));
        Assert.All(columns.Values, difference => Assert.InRange(difference, 0, 1e-5));
    }

    [Fact]
    public async Task ExportOnnx_PackageWithoutInputExample_FailsAndLeavesThePackageAsItWas()
    {
        var name = await RegisterMlNetAsync(withExample: false);

        var exported = await Keel("models", "export-onnx", $"models:/{name}/1");

        Assert.Equal(ExitCodes.Failure, exported.ExitCode);
        Assert.Contains("no input example", exported.Stderr, StringComparison.Ordinal);
        var files = (await _client.ListArtifactsAsync((await _client.GetModelVersionAsync(name, 1, TestContext.Current.CancellationToken)).RunId!, "model", TestContext.Current.CancellationToken)).Files;
        Assert.DoesNotContain(files, f => f.Path.EndsWith("model.onnx", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExportOnnx_NotAnMlNetPackage_NamesItsFlavors()
    {
        var ct = TestContext.Current.CancellationToken;
        var runId = await ModelRuns.CreateAsync(_client, _local.Path);
        var name = ModelRuns.NewModelName();
        await _client.CreateRegisteredModelAsync(name, ct: ct);
        await _client.CreateModelVersionAsync(name, $"runs:/{runId}/model", runId, ct: ct);

        var exported = await Keel("models", "export-onnx", $"models:/{name}/1");

        Assert.Equal(ExitCodes.Failure, exported.ExitCode);
        Assert.Contains("Only ML.NET models can be exported to ONNX; the package's flavors are onnx", exported.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("models:/no-such-model-anywhere/1", ExitCodes.Failure, "no-such-model-anywhere")]
    [InlineData("file:///etc/passwd", ExitCodes.Usage, "invalid model URI")]
    public async Task ExportOnnx_BadUri_FailsWithTheReason(string uri, int exitCode, string expected)
    {
        var exported = await Keel("models", "export-onnx", uri);

        Assert.Equal(exitCode, exported.ExitCode);
        Assert.Contains(expected, exported.Stderr, StringComparison.Ordinal);
    }

    private async Task<string> RegisterMlNetAsync(bool withExample)
    {
        var ct = TestContext.Current.CancellationToken;
        var random = new Random(4);
        var rows = Enumerable.Range(0, 200).Select(_ =>
        {
            var row = new ExportRow { Width = (float)random.NextDouble() * 4, Height = (float)random.NextDouble() * 4 };
            row.Label = row.Width + row.Height + random.NextDouble() > 4.5;
            return row;
        }).ToArray();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Concatenate("Features", nameof(ExportRow.Width), nameof(ExportRow.Height))
            .Append(ml.BinaryClassification.Trainers.FastTree(numberOfLeaves: 4, numberOfTrees: 10, minimumExampleCountPerLeaf: 5))
            .Fit(data);
        var example = new DataBatch(
        [
            DataColumn.Of(nameof(ExportRow.Width), rows.Take(4).Select(r => r.Width).ToArray()),
            DataColumn.Of(nameof(ExportRow.Height), rows.Take(4).Select(r => r.Height).ToArray()),
        ]);
        var name = ModelRuns.NewModelName();
        await using var run = await _client.StartRunAsync(runName: "export", ct: ct);
        await run.LogModelAsync(model, data.Schema, new LogModelOptions { RegisteredModelName = name, InputExample = withExample ? example : null }, ct);
        await _client.SetRegisteredModelAliasAsync(name, "champion", 1, ct);
        return name;
    }

    private Task<CliResult> Keel(params string[] args) => KeelCommandLine.RunAsync([.. args, "--tracking-uri", Uri]);
}
