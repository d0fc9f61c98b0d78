using System.Net;
using System.Text;
using Keel.Core.Artifacts;
using Keel.Core.Data.Profiles;
using Keel.Core.Datasets;
using Keel.Testing;

namespace Keel.Server.Tests.Governance;

/// <summary>The model card endpoint over a model version with a run, data lineage, a validation report and a deployment.</summary>
public sealed class ModelCardEndpointTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private const string Manifest = "a3f1c2d4e5b6a7980112233445566778899aabbccddeeff00112233445566778";
    private readonly HttpClient _client = fixture.Client;

    private async Task<string> CardAsync(string model, string version, string format)
    {
        using var response = await _client.GetAsync(GovernanceHttp.Route(model, $"versions/{version}/card?format={format}"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    private async Task<string> ValidatedModelAsync()
    {
        var (model, runId) = await _client.NewModelAsync(1, 1);
        var dataset = $"churn-data-{Guid.NewGuid():N}";
        var stores = fixture.Server.Stores;
        await stores.Datasets.CreateDatasetAsync(new NewDataset(dataset, "", [], 1_000));
        await stores.Datasets.CreateVersionAsync(new NewDatasetVersion(dataset, Manifest, 100, 1, DatasetKinds.File, "", [], null, "churn.csv", 40,
            [new DatasetColumn("tenure", ColumnKinds.Whole)],
            new DatasetProfile(40, [new ColumnProfile("tenure", ColumnKinds.Whole, 38, 2, Min: 1, Max: 72, Mean: 30.5)]), 1_000));
        await MlflowHttp.OkAsync(_client, "runs/log-inputs", new
        {
            run_id = runId,
            datasets = new[] { new { dataset = new { name = dataset, digest = Manifest, source_type = "keel", source = "churn.csv" } } },
        });
        await MlflowHttp.OkAsync(_client, "runs/log-batch", new
        {
            run_id = runId,
            @params = new[] { new { key = "learning_rate", value = "0.05" } },
            metrics = new[] { new { key = "auc", value = 0.91, timestamp = 1_000L, step = 0L } },
        });
        await MlflowHttp.SendOkAsync(_client, HttpMethod.Patch, "model-versions/update",
            new { name = model, version = "1", description = "Predicts churn <script>alert('x')</script> for | retention & offers" });
        var (_, run) = await _client.GetJsonAsync($"runs/get?run_id={runId}");
        var root = ArtifactService.ResolveProxyUri(run["run"]!["info"]!["artifact_uri"]!.GetValue<string>());
        await PutAsync(root, "validations/v1/100/report.json",
            """{"rules":[{"name":"min_auc","passed":true,"value":0.91,"threshold":0.8,"detail":"auc >= 0.8"},{"name":"fairness_gap(gender)","passed":true,"value":0.03,"threshold":0.05,"detail":"<b>ok</b>"}]}""");
        await PutAsync(root, "validations/v1/100/importance.json", """{"features":[{"feature":"tenure","mean":0.12,"std":0.01}]}""");
        await _client.TagAsync(model, 1, "keel.validation.report", "validations/v1/100/report.json");
        await _client.TagAsync(model, 1, "keel.importance.report", "validations/v1/100/importance.json");
        await _client.TagAsync(model, 1, "keel.validation.against", "");
        await _client.TagAsync(model, 1, "keel.validation.data", dataset + "@1");
        await _client.PromoteAsync(model, 1, "ann", reason: "first release");
        await _client.CallAsync(HttpMethod.Post, "api/keel/v1/deployments", new
        {
            name = $"card-{Guid.NewGuid():N}",
            spec = new { routes = new[] { new { name = "main", model_uri = $"models:/{model}@champion", weight = 100.0 } } },
        });
        return model;
    }

    private async Task PutAsync(ArtifactPath root, string relative, string json)
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(json));
        await fixture.Server.Stores.Artifacts.PutAsync(root.Append(ArtifactPath.Parse(relative, "path")), content, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Card_Markdown_HasEverySection_FromWhatKeelKnows()
    {
        var model = await ValidatedModelAsync();

        var md = await CardAsync(model, "1", "md");

        foreach (var section in new[] { "## Intended use", "## Training data", "### Profile of", "## Parameters", "## Metrics", "## Validation",
                     "## Feature importance", "## Lineage", "## Aliases", "## Alias history", "## Deployment history" })
        {
            Assert.Contains(section, md, StringComparison.Ordinal);
        }
        Assert.Contains("| tenure | integer | 38 | 2 | 1 | 72 | 30.5 |", md, StringComparison.Ordinal);
        Assert.Contains("| learning\\_rate | 0.05 |", md, StringComparison.Ordinal);
        Assert.Contains("| auc | 0.91 | 0 |", md, StringComparison.Ordinal);
        Assert.Contains("| fairness\\_gap\\(gender\\) | passed | 0.03 | 0.05 |", md, StringComparison.Ordinal);
        Assert.Contains("| tenure | 0.12 | 0.01 |", md, StringComparison.Ordinal);
        Assert.Contains("| promote | ann | first release |", md, StringComparison.Ordinal);
        Assert.Contains($"models:/{model}@champion", md.Replace("\\", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("for \\| retention", md, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Card_Html_EscapesStoredTextAndHasNoScript()
    {
        var model = await ValidatedModelAsync();

        var html = await CardAsync(model, "1", "html");

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;ok&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<h2>Validation</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<h2>Deployment history</h2>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Card_NotValidated_SaysSo()
    {
        var (model, _) = await _client.NewModelAsync(1);

        var md = await CardAsync(model, "1", "md");

        Assert.Contains("Not validated", md, StringComparison.Ordinal);
        Assert.Contains("No feature importance is recorded", md, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Card_FailureCases_AreRefused()
    {
        var (model, _) = await _client.NewModelAsync(1);

        var (format, formatBody) = await _client.CallAsync(HttpMethod.Get, GovernanceHttp.Route(model, "versions/1/card?format=pdf"));
        var (version, _) = await _client.CallAsync(HttpMethod.Get, GovernanceHttp.Route(model, "versions/5/card"));
        var (badVersion, badVersionBody) = await _client.CallAsync(HttpMethod.Get, GovernanceHttp.Route(model, "versions/x/card"));
        var (unknown, _) = await _client.CallAsync(HttpMethod.Get, GovernanceHttp.Route("absent-" + Guid.NewGuid().ToString("N"), "versions/1/card"));

        Assert.Equal(HttpStatusCode.BadRequest, format);
        Assert.Contains("'format'", formatBody["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, version);
        Assert.Equal(HttpStatusCode.BadRequest, badVersion);
        Assert.Contains("'version'", badVersionBody["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown);
    }
}
