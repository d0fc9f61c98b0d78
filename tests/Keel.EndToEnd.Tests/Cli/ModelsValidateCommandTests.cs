using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Keel.Client;
using Keel.Client.Models;
using Keel.Contracts.KeelApi;
using Keel.Core.Models;
using Keel.Core.Registry;
using Keel.EndToEnd.Tests.Support;
using Keel.Testing;
using Microsoft.ML;

namespace Keel.EndToEnd.Tests.Cli;

/// <summary>
/// <c>keel models validate</c> against a real server with real ML.NET models: a good model (v1, the champion), a
/// second good one (v2) and one trained on flipped labels (v3), scored on a held-out CSV whose label follows Signal.
/// </summary>
public sealed class ModelsValidateCommandTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>, IDisposable
{
    private const int GateFailed = 3;

    private readonly TempDirectory _local = new("keel-e2e-validate");
    private readonly KeelClient _client = new(fixture.Server.BaseAddress);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _client.Dispose();
        _local.Dispose();
    }

    private Task<CliResult> Keel(params string[] args) => KeelCommandLine.RunAsync([.. args, "--tracking-uri", fixture.Server.BaseAddress.ToString()]);

    [Fact]
    public async Task Validate_GoodCandidateOnADatasetVersion_PassesAndRecordsTagsAndArtifacts()
    {
        var name = await RegisterAsync(flippedThird: true);
        var dataset = await RegisterDatasetAsync(TestCsv());
        var rules = Rules("label: Label\nmetrics: {min: {accuracy: 0.8, roc_auc: 0.9}}\nregression: {accuracy: 0.05}\nlatency: {max_ms_per_row: 50}\n");

        var result = await Keel("models", "validate", $"models:/{name}/2", "--against", "@champion", "--data", $"{dataset}@1", "--rules", rules);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Validation of {name} version 2 against version 1 on {dataset}@1 (label 'Label', 200 rows)", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"PASS  metric_min accuracy\s+accuracy 0\.\d+ >= 0\.8", result.Stdout);
        Assert.Contains("PASSED: 4 gate(s) passed, 0 skipped.", result.Stdout, StringComparison.Ordinal);
        var tags = await TagsAsync(name, 2);
        Assert.Equal(ValidationTags.Passed, tags[ValidationTags.Status]);
        Assert.Equal("1", tags[ValidationTags.Against]);
        Assert.Equal($"{dataset}@1", tags[ValidationTags.Data]);
        Assert.Matches(@"^validations/v2/\d{8}T\d{9}Z/report\.json$", tags[ValidationTags.Report]);
        Assert.EndsWith("/importance.json", tags[ValidationTags.Importance], StringComparison.Ordinal);

        var version = await _client.GetModelVersionAsync(name, 2, Ct);
        var downloaded = Path.Combine(_local.Path, "artifacts");
        await _client.DownloadArtifactsAsync(version.RunId!, tags[ValidationTags.Report][..tags[ValidationTags.Report].LastIndexOf('/')], downloaded, ct: Ct);
        var folder = Path.Combine(downloaded, tags[ValidationTags.Report][..tags[ValidationTags.Report].LastIndexOf('/')]);
        var report = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "report.json"), Ct))!;
        Assert.Equal("passed", report["status"]!.GetValue<string>());
        Assert.Equal(4, report["gates"]!.AsArray().Count);
        var importance = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "importance.json"), Ct))!;
        Assert.Equal("Signal", importance["features"]![0]!["feature"]!.GetValue<string>());
        Assert.Contains("Permutation importance", await File.ReadAllTextAsync(Path.Combine(folder, "report.txt"), Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_WorseCandidate_FailsOnRegressionWithTheGateExitCodeAndAFailedTag()
    {
        var name = await RegisterAsync(flippedThird: true);
        var data = WriteCsv("test.csv", TestCsv());
        var rules = Rules("label: Label\nregression: {accuracy: 0.02}\n");

        var result = await Keel("models", "validate", $"models:/{name}/3", "--data", data, "--rules", rules, "--output", "json");

        Assert.True(result.ExitCode == GateFailed, result.ToString());
        Assert.Equal([$"error: validation of {name} version 3 failed: 1 gate(s) did not pass"], result.StderrLines);
        var json = result.Json;
        Assert.Equal("failed", json["status"]!.GetValue<string>());
        Assert.Equal("1", json["against"]!.GetValue<string>());
        var gate = json["gates"]![0]!;
        Assert.Equal(("regression", "accuracy", "failed"), (gate["kind"]!.GetValue<string>(), gate["subject"]!.GetValue<string>(), gate["outcome"]!.GetValue<string>()));
        Assert.True(gate["observed"]!.GetValue<double>() > 0.5, gate.ToJsonString());
        Assert.Equal(ValidationTags.Failed, (await TagsAsync(name, 3))[ValidationTags.Status]);
    }

    [Fact]
    public async Task Validate_FairnessGapTooWide_Fails_AndNoRecordLeavesNoTag()
    {
        var name = await RegisterAsync(flippedThird: false);
        var rows = Rows(200, 11);
        // Group "hi" holds the rows with a high signal: the model predicts positive there far more often.
        var data = WriteCsv("fair.csv", Csv(rows, i => rows[i].Signal > 0.5 ? "hi" : "lo"));
        var rules = Rules("label: Label\nfairness: {column: Group, metric: positive_rate, max_gap: 0.1}\n");

        var result = await Keel("models", "validate", $"models:/{name}/1", "--data", data, "--rules", rules, "--no-record");

        Assert.True(result.ExitCode == GateFailed, result.ToString());
        Assert.Matches(@"FAIL  fairness Group: positive_rate\s+gap [\d.]+ \('hi' [\d.]+ vs 'lo' [\d.]+\) > 0\.1", result.Stdout);
        Assert.Contains("Fairness (positive_rate by Group): hi ", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(ValidationTags.Status, (await TagsAsync(name, 1)).Keys);
    }

    [Fact]
    public async Task Validate_WithoutAChampion_SkipsRegressionAndPasses()
    {
        var name = await RegisterAsync(flippedThird: false, setChampion: false);
        var data = WriteCsv("test.csv", TestCsv());

        var result = await Keel("models", "validate", $"models:/{name}/1", "--data", data, "--rules", Rules("label: Label\nregression: {accuracy: 0.01}\n"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"SKIP  regression accuracy\s+no champion: skipped", result.Stdout);
        Assert.Contains("without a champion", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("", (await TagsAsync(name, 1))[ValidationTags.Against]);
    }

    [Fact]
    public async Task Validate_BadRulesFile_ExitsOneNamingFileLineAndKey_AndRecordsNothing()
    {
        var name = await RegisterAsync(flippedThird: false);
        var data = WriteCsv("test.csv", TestCsv());
        var rules = Rules("label: Label\nmetrics:\n  min: {acuracy: 0.9}\n");

        var result = await Keel("models", "validate", $"models:/{name}/1", "--data", data, "--rules", rules);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {rules}:3: metrics.min.acuracy: unknown metric 'acuracy'; expected one of accuracy, precision, recall, f1, roc_auc, log_loss, rmse, mae, r2",
            Assert.Single(result.StderrLines));
        Assert.DoesNotContain(ValidationTags.Status, (await TagsAsync(name, 1)).Keys);
    }

    [Fact]
    public async Task Validate_UnknownModelVersionAliasOrDataset_ExitsOneWithTheServersError()
    {
        var name = await RegisterAsync(flippedThird: false);
        var data = WriteCsv("test.csv", TestCsv());
        var rules = Rules("label: Label\n");

        var model = await Keel("models", "validate", $"models:/missing-{Guid.NewGuid():N}/1", "--data", data, "--rules", rules);
        var alias = await Keel("models", "validate", $"models:/{name}@nope", "--data", data, "--rules", rules);
        var against = await Keel("models", "validate", $"models:/{name}/1", "--against", $"models:/{name}/9", "--data", data, "--rules", rules);
        var dataset = await Keel("models", "validate", $"models:/{name}/1", "--data", $"missing-{Guid.NewGuid():N}@1", "--rules", rules);
        var notData = await Keel("models", "validate", $"models:/{name}/1", "--data", "nowhere.csv", "--rules", rules);

        foreach (var result in new[] { model, alias, against, dataset })
        {
            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.StartsWith("error: RESOURCE_DOES_NOT_EXIST: ", Assert.Single(result.StderrLines), StringComparison.Ordinal);
        }
        Assert.Equal(2, notData.ExitCode);
        Assert.Equal(["error: --data 'nowhere.csv': no such file or folder, and not a dataset version <name>@<version>"], notData.StderrLines);
    }

    private string Rules(string yaml) => WriteCsv($"gates-{Guid.NewGuid():N}.yaml", yaml);

    private string WriteCsv(string file, string text)
    {
        var path = Path.Combine(_local.Path, file);
        File.WriteAllText(path, text);
        return path;
    }

    private async Task<Dictionary<string, string>> TagsAsync(string name, long version) =>
        (await _client.GetModelVersionAsync(name, version, Ct)).Tags.ToDictionary(t => t.Key, t => t.Value);

    /// <summary>Registers v1 (good, the champion unless told otherwise), v2 (good, other seed) and v3 (flipped labels, or good).</summary>
    private async Task<string> RegisterAsync(bool flippedThird, bool setChampion = true)
    {
        var name = $"validate-{Guid.NewGuid():N}";
        foreach (var (seed, flipped) in new[] { (1, false), (2, false), (3, flippedThird) })
        {
            var (model, schema) = Train(Rows(300, seed), flipped);
            await using var run = await _client.StartRunAsync(runName: "train", ct: Ct);
            await run.LogModelAsync(model, schema, new LogModelOptions
            {
                RegisteredModelName = name,
                InputExample = new DataBatch([DataColumn.Of("Signal", new[] { 0.2f }), DataColumn.Of("Noise", new[] { 0.7f })]),
            }, Ct);
        }
        if (setChampion)
        {
            await _client.SetRegisteredModelAliasAsync(name, "champion", 1, Ct);
        }
        return name;
    }

    private async Task<string> RegisterDatasetAsync(string csv)
    {
        var chunk = Encoding.UTF8.GetBytes(csv);
        var chunkHash = Convert.ToHexStringLower(SHA256.HashData(chunk));
        var manifest = Encoding.UTF8.GetBytes(
            $$"""{"version":1,"kind":"file","files":[{"path":"test.csv","size":{{chunk.Length}},"chunks":[{"h":"{{chunkHash}}","n":{{chunk.Length}}}]}]}""");
        var manifestHash = Convert.ToHexStringLower(SHA256.HashData(manifest));
        await _client.UploadDataObjectAsync(chunkHash, chunk, Ct);
        await _client.UploadDataObjectAsync(manifestHash, manifest, Ct);
        var name = $"validate-ds-{Guid.NewGuid():N}";
        await _client.CreateDatasetAsync(name, "held-out rows", ct: Ct);
        await _client.CreateDatasetVersionAsync(name, new CreateDatasetVersionRequest { ManifestHash = manifestHash, Size = chunk.Length, FileCount = 1, Kind = "file" }, Ct);
        return name;
    }

    private static string TestCsv() => Csv(Rows(200, 9), i => i % 2 == 0 ? "a" : "b");

    private static string Csv(Row[] rows, Func<int, string> group)
    {
        var text = new StringBuilder("Signal,Noise,Label,Group\n");
        for (var i = 0; i < rows.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{rows[i].Signal:R},{rows[i].Noise:R},{(rows[i].Label ? "true" : "false")},{group(i)}\n");
        }
        return text.ToString();
    }

    private static Row[] Rows(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var signal = (float)random.NextDouble();
            return new Row { Signal = signal, Noise = (float)random.NextDouble(), Label = signal + ((random.NextDouble() - 0.5) * 0.2) > 0.5 };
        })];
    }

    private static (ITransformer Model, DataViewSchema Schema) Train(Row[] rows, bool flipped)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(flipped ? rows.Select(r => new Row { Signal = r.Signal, Noise = r.Noise, Label = !r.Label }) : rows);
        var model = ml.Transforms.Concatenate("Features", nameof(Row.Signal), nameof(Row.Noise))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression())
            .Fit(data);
        return (model, data.Schema);
    }

    public sealed class Row
    {
        public float Signal { get; set; }

        public float Noise { get; set; }

        public bool Label { get; set; }
    }
}
