using System.Net;
using Keel.Testing;

namespace Keel.Server.Tests.Tracking;

/// <summary>Search over one experiment of five runs with known params, metrics, tags and inputs.</summary>
public sealed class SearchRunsTests : IClassFixture<KeelServerFixture>, IAsyncLifetime
{
    private readonly HttpClient _client;
    private string _experimentId = "";
    private readonly Dictionary<string, string> _runIds = [];

    public SearchRunsTests(KeelServerFixture fixture) => _client = fixture.Client;

    public async ValueTask InitializeAsync()
    {
        _experimentId = await _client.CreateExperimentAsync($"search-{Guid.NewGuid():N}");
        var specs = new[]
        {
            (Name: "alpha", Lr: "0.1", Acc: 0.70, Model: "tree"),
            (Name: "beta", Lr: "0.2", Acc: 0.80, Model: "tree"),
            (Name: "gamma", Lr: "0.3", Acc: 0.90, Model: "linear"),
            (Name: "delta", Lr: "0.4", Acc: double.NaN, Model: "Linear"),
        };
        var start = 1_000L;
        foreach (var spec in specs)
        {
            var runId = (string)(await _client.OkAsync("runs/create", new { experiment_id = _experimentId, run_name = spec.Name, start_time = start += 10 }))["run"]!["info"]!["run_id"]!;
            _runIds[spec.Name] = runId;
            await _client.PostJsonAsync("runs/log-batch", $$"""
                {"run_id": "{{runId}}",
                 "metrics": [{"key": "acc", "value": {{(double.IsNaN(spec.Acc) ? "\"NaN\"" : spec.Acc.ToString(System.Globalization.CultureInfo.InvariantCulture))}}, "timestamp": 1, "step": 0}],
                 "params": [{"key": "lr", "value": "{{spec.Lr}}"}],
                 "tags": [{"key": "model", "value": "{{spec.Model}}"}]}
                """);
        }
        // epsilon has no acc metric at all, and is finished.
        _runIds["epsilon"] = (string)(await _client.OkAsync("runs/create", new { experiment_id = _experimentId, run_name = "epsilon", start_time = start + 10 }))["run"]!["info"]!["run_id"]!;
        await _client.OkAsync("runs/update", new { run_id = _runIds["epsilon"], status = "FINISHED", end_time = start + 20 });
        await _client.OkAsync("runs/log-inputs", new
        {
            run_id = _runIds["beta"],
            datasets = new[] { new { tags = new[] { new { key = "mlflow.data.context", value = "train" } }, dataset = new { name = "cancer", digest = "d1", source_type = "local", source = "x.csv" } } },
        });
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<string[]> NamesAsync(string? filter, params string[] orderBy)
    {
        var body = await _client.OkAsync("runs/search", new { experiment_ids = new[] { _experimentId }, filter, order_by = orderBy });
        return body["runs"]?.AsArray().Select(r => (string)r!["info"]!["run_name"]!).ToArray() ?? [];
    }

    private async Task<string[]> SortedNamesAsync(string filter) => (await NamesAsync(filter)).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task Search_NoFilter_ReturnsNewestFirst()
    {
        Assert.Equal(["epsilon", "delta", "gamma", "beta", "alpha"], await NamesAsync(null));
    }

    [Theory]
    [InlineData("metrics.acc > 0.75", new[] { "beta", "gamma" })]
    [InlineData("metrics.acc >= 0.8", new[] { "beta", "gamma" })]
    [InlineData("metrics.acc < 0.8", new[] { "alpha" })]
    [InlineData("metrics.acc <= 0.8", new[] { "alpha", "beta" })]
    [InlineData("metrics.acc = 0.9", new[] { "gamma" })]
    [InlineData("metrics.acc != 0.9", new[] { "alpha", "beta" })]
    [InlineData("params.lr = '0.2'", new[] { "beta" })]
    [InlineData("params.lr != '0.2'", new[] { "alpha", "delta", "gamma" })]
    [InlineData("params.lr LIKE '0.%'", new[] { "alpha", "beta", "delta", "gamma" })]
    [InlineData("tags.model LIKE 'lin%'", new[] { "gamma" })]
    [InlineData("tags.model ILIKE 'lin%'", new[] { "delta", "gamma" })]
    [InlineData("attributes.run_name = 'alpha'", new[] { "alpha" })]
    [InlineData("attributes.status = 'FINISHED'", new[] { "epsilon" })]
    [InlineData("attributes.start_time > 1030", new[] { "delta", "epsilon" })]
    [InlineData("datasets.name = 'cancer'", new[] { "beta" })]
    [InlineData("datasets.context = 'train'", new[] { "beta" })]
    [InlineData("params.lr = '0.1' AND tags.model = 'tree'", new[] { "alpha" })]
    [InlineData("params.lr = '0.1' OR params.lr = '0.3'", new[] { "alpha", "gamma" })]
    [InlineData("(params.lr = '0.1' OR params.lr = '0.3') AND tags.model = 'linear'", new[] { "gamma" })]
    [InlineData("`params`.`lr` = \"0.4\"", new[] { "delta" })]
    public async Task Search_Filter_MatchesExpectedRuns(string filter, string[] expected)
    {
        Assert.Equal(expected, await SortedNamesAsync(filter));
    }

    [Fact]
    public async Task Search_RunIdIn_MatchesListedRuns()
    {
        var filter = $"attributes.run_id IN ('{_runIds["alpha"]}', '{_runIds["gamma"]}')";

        Assert.Equal(["alpha", "gamma"], await SortedNamesAsync(filter));
    }

    [Fact]
    public async Task Search_OrderByMetricDesc_PutsNaNThenMissingLast()
    {
        Assert.Equal(["gamma", "beta", "alpha", "delta", "epsilon"], await NamesAsync(null, "metrics.acc DESC"));
    }

    [Fact]
    public async Task Search_OrderByParamAsc_SortsByValue()
    {
        Assert.Equal(["alpha", "beta", "gamma", "delta", "epsilon"], await NamesAsync(null, "params.lr ASC"));
    }

    [Fact]
    public async Task Search_Paging_VisitsEveryRunOnce()
    {
        var names = new List<string>();
        string? token = null;
        do
        {
            var body = await _client.OkAsync("runs/search", new { experiment_ids = new[] { _experimentId }, max_results = 2, page_token = token, order_by = new[] { "attributes.run_name ASC" } });
            names.AddRange(body["runs"]!.AsArray().Select(r => (string)r!["info"]!["run_name"]!));
            token = (string?)body["next_page_token"];
        }
        while (token is not null);

        Assert.Equal(["alpha", "beta", "delta", "epsilon", "gamma"], names);
    }

    [Fact]
    public async Task Search_ReturnsLatestMetricsParamsAndTags()
    {
        var body = await _client.OkAsync("runs/search", new { experiment_ids = new[] { _experimentId }, filter = "attributes.run_name = 'gamma'" });

        var data = body["runs"]![0]!["data"]!;
        Assert.Equal(0.9, (double)data["metrics"]![0]!["value"]!);
        Assert.Equal("0.3", (string)data["params"]![0]!["value"]!);
    }

    [Theory]
    [InlineData("metrics.acc >> 1")]
    [InlineData("params.lr = 0.1")]
    [InlineData("metrics.acc LIKE '%'")]
    [InlineData("foo.bar = 'x'")]
    [InlineData("params.lr = '0.1' AND")]
    [InlineData("(params.lr = '0.1'")]
    public async Task Search_InvalidFilter_Returns400WithPosition(string filter)
    {
        var (status, body) = await _client.PostJsonAsync("runs/search", new { experiment_ids = new[] { _experimentId }, filter });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)body["error_code"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)body["message"]));
    }

    [Fact]
    public async Task Search_InvalidOrderBy_Returns400()
    {
        var (status, _) = await _client.PostJsonAsync("runs/search", new { experiment_ids = new[] { _experimentId }, order_by = new[] { "metrics.acc SIDEWAYS" } });

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task Search_MaxResultsOverLimit_Returns400()
    {
        var (status, body) = await _client.PostJsonAsync("runs/search", new { experiment_ids = new[] { _experimentId }, max_results = 50001 });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("max_results", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_NonNumericExperimentId_Returns400()
    {
        var (status, body) = await _client.PostJsonAsync("runs/search", new { experiment_ids = new[] { "abc" } });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("experiment_ids", (string)body["message"]!, StringComparison.Ordinal);
    }
}
