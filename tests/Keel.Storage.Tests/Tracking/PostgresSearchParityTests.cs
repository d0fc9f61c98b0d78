using Keel.Core.Tracking;
using Keel.Core.Tracking.Search;
using Keel.Testing;

namespace Keel.Storage.Tests.Tracking;

/// <summary>
/// The same data in SQLite and PostgreSQL must answer every search the same way: filters, MLflow's ordering of
/// missing values and NaN, byte-order text sorting and paging. SQLite is the reference.
/// </summary>
public sealed class PostgresSearchParityTests(PostgresSearchParityTests.SeededBackends backends)
    : IClassFixture<PostgresSearchParityTests.SeededBackends>
{
    /// <summary>Both backends seeded once for the class: the searches only read.</summary>
    public sealed class SeededBackends : IAsyncLifetime
    {
        private readonly SqliteStoresHarness _sqlite = new("keel-parity-sqlite");
        private readonly PostgresStoresHarness _postgres = new("keel-parity-postgres");

        public ITrackingStore Reference { get; private set; } = null!;

        public ITrackingStore Candidate { get; private set; } = null!;

        public string ExperimentId { get; private set; } = "";

        public async ValueTask InitializeAsync()
        {
            Reference = (await _sqlite.OpenAsync()).Tracking;
            Candidate = (await _postgres.OpenAsync()).Tracking;
            ExperimentId = await SeedAsync(Reference);
            Assert.Equal(ExperimentId, await SeedAsync(Candidate));
        }

        public async ValueTask DisposeAsync()
        {
            await _sqlite.DisposeAsync();
            await _postgres.DisposeAsync();
        }
    }

    private ITrackingStore Reference => backends.Reference;

    private ITrackingStore Candidate => backends.Candidate;

    [Theory]
    [InlineData(null, "metrics.acc DESC")]
    [InlineData(null, "metrics.acc ASC")]
    [InlineData("metrics.acc > 0.5", "attributes.run_name ASC")]
    [InlineData("metrics.acc <= 1", "metrics.loss DESC")]
    [InlineData("metrics.loss != 2", null)]
    [InlineData("params.kind = 'y' OR metrics.acc < 0.6", "params.kind DESC")]
    [InlineData("params.kind LIKE 'Y%'", null)]
    [InlineData("params.kind ILIKE 'Y%'", "tags.team ASC")]
    [InlineData("tags.team != 'ml'", "tags.team DESC")]
    [InlineData("attributes.run_id IN ('00ALPHA', '05ZETA')", null)]
    [InlineData("attributes.run_id NOT IN ('00ALPHA')", "metrics.loss ASC")]
    [InlineData("attributes.run_name LIKE '%a%' AND attributes.start_time >= 1003", "attributes.start_time ASC")]
    [InlineData("attributes.status = 'FINISHED'", "attributes.end_time DESC")]
    [InlineData("attributes.end_time < 5000", null)]
    [InlineData("datasets.name = 'train'", null)]
    [InlineData("datasets.context = 'eval'", "attributes.run_name DESC")]
    [InlineData(null, "attributes.run_name ASC")]
    [InlineData(null, "params.kind ASC")]
    public async Task SearchRuns_SameAnswerAsSqlite(string? filter, string? orderBy)
    {
        var query = new RunQuery([backends.ExperimentId], SearchFilterParser.ParseRunFilter(filter),
            SearchFilterParser.ParseRunOrderBy(orderBy is null ? [] : [orderBy]), ViewType.All, 3, 0);

        var expected = await AllPagesAsync(Reference, query);
        var actual = await AllPagesAsync(Candidate, query);

        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("name LIKE 'p%'", "name ASC")]
    [InlineData("name ILIKE 'P%'", "name DESC")]
    [InlineData("tags.owner = 'Zed'", null)]
    [InlineData("creation_time > 1", "last_update_time ASC")]
    public async Task SearchExperiments_SameAnswerAsSqlite(string? filter, string? orderBy)
    {
        var query = new ExperimentQuery(SearchFilterParser.ParseExperimentFilter(filter),
            SearchFilterParser.ParseExperimentOrderBy(orderBy is null ? [] : [orderBy]), ViewType.All, 2, 0);

        async Task<string[]> NamesAsync(ITrackingStore store)
        {
            var names = new List<string>();
            for (var q = query; ; q = q with { Offset = q.Offset + q.MaxResults })
            {
                var page = await store.SearchExperimentsAsync(q);
                names.AddRange(page.Items.Select(e => e.Name));
                if (page.NextPageToken is null)
                {
                    return [.. names];
                }
            }
        }

        Assert.Equal(await NamesAsync(Reference), await NamesAsync(Candidate));
    }

    private static async Task<string[]> AllPagesAsync(ITrackingStore store, RunQuery query)
    {
        var rows = new List<string>();
        for (var q = query; ; q = q with { Offset = q.Offset + q.MaxResults })
        {
            var page = await store.SearchRunsAsync(q);
            // Name plus what the run carries, so a difference in stored values shows up as well as one in order.
            rows.AddRange(page.Items.Select(r => $"{r.Info.RunName}|{string.Join(",", r.LatestMetrics.Select(m => $"{m.Key}={m.Value}@{m.Step}"))}|{r.Params.Count}|{r.Tags.Count}|{r.Inputs.Count}"));
            if (page.NextPageToken is null)
            {
                return [.. rows];
            }
        }
    }

    /// <summary>Runs with mixed-case names, NaN and infinite metrics, missing keys, datasets and a deleted run.</summary>
    private static async Task<string> SeedAsync(ITrackingStore store)
    {
        foreach (var (name, owner) in new[] { ("parity", "Zed"), ("Parity-B", "amy"), ("other", "Zed") })
        {
            await store.CreateExperimentAsync(new NewExperiment(name, null, [new Tag("owner", owner)], name.Length), "mlflow-artifacts:/");
        }
        var experimentId = (await store.GetExperimentByNameAsync("parity"))!.ExperimentId;
        var runs = new (string Name, double? Acc, double? Loss, string? Kind, string? Team)[]
        {
            ("alpha", 0.5, 2, "x", "ml"),
            ("Beta", 0.9, double.NaN, "y", "Ops"),
            ("gamma", double.NaN, 1, "Y", null),
            ("delta", null, double.PositiveInfinity, null, "ml"),
            ("epsilon", double.NegativeInfinity, null, "y", "ops"),
            ("Zeta", 0.9, 3, "y", "ml"),
            ("eta", 0.7, 2, "z", "Ops"),
        };
        for (var i = 0; i < runs.Length; i++)
        {
            var r = runs[i];
            var runId = $"{i:D2}{r.Name.ToUpperInvariant()}";
            await store.CreateRunAsync(new NewRun(runId, experimentId, "tester", r.Name, 1_000 + (i % 4), $"mlflow-artifacts:/{runId}", [new Tag("mlflow.runName", r.Name)]));
            var metrics = new List<Metric>();
            if (r.Acc is { } acc)
            {
                metrics.AddRange([new Metric("acc", 0.1, 1, 0), new Metric("acc", acc, 2, 1)]);
            }
            if (r.Loss is { } loss)
            {
                metrics.Add(new Metric("loss", loss, 1, 0));
            }
            await store.LogBatchAsync(runId, metrics, r.Kind is null ? [] : [new Param("kind", r.Kind)], r.Team is null ? [] : [new Tag("team", r.Team)]);
            if (i % 3 == 0)
            {
                await store.UpdateRunAsync(runId, RunStatus.Finished, 2_000 + (i * 1_000), null);
            }
            if (i % 2 == 0)
            {
                await store.LogInputsAsync(runId, [new DatasetInput(new Dataset(i % 4 == 0 ? "train" : "test", "d1", "local", "s", null, null),
                    [new Tag("mlflow.data.context", i % 4 == 0 ? "train" : "eval")])]);
            }
            if (i == 6)
            {
                await store.SetRunLifecycleAsync(runId, LifecycleStage.Deleted, 9);
            }
        }
        return experimentId;
    }
}
