using System.Globalization;
using System.Text;
using Keel.Core.Data;
using Keel.Core.Data.Manifests;
using Keel.Core.Datasets;
using Keel.Core.Deployments;
using Keel.Core.Lineage;
using Keel.Core.Monitoring;
using Keel.Core.Monitoring.Monitors;
using Keel.Core.Monitoring.PredictionLogs;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Monitoring.PredictionLogs;
using Keel.Monitoring.Runner;
using Keel.Storage;
using Keel.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Keel.Monitoring.Tests.Runner;

/// <summary>
/// A real Keel over SQLite and local files, wired as the server wires monitoring: a registered model whose run logged
/// a training dataset version (a CSV in the data objects) and a test-accuracy metric, a deployment serving it, and
/// helpers that log traffic as Parquet segments and labels through the prediction log store.
/// </summary>
public sealed class MonitorWorld : IAsyncDisposable
{
    public static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly SqliteStoresHarness _harness = new("keel-monitor-world");
    private ServiceProvider? _services;

    private MonitorWorld(FakeTimeProvider time) => Time = time;

    public FakeTimeProvider Time { get; }

    public KeelStores Stores { get; private set; } = null!;

    public IServiceProvider Services => _services!;

    public MonitorRunner Runner => Services.GetRequiredService<MonitorRunner>();

    public MonitorService Monitors => Services.GetRequiredService<MonitorService>();

    public PredictionLogStore Logs => Services.GetRequiredService<PredictionLogStore>();

    public List<MonitorRunResult> Observed { get; } = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<MonitorWorld> StartAsync(DateTimeOffset? now = null)
    {
        var world = new MonitorWorld(new FakeTimeProvider(now ?? T0.AddHours(2)));
        world.Stores = await world._harness.OpenAsync();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(world.Time);
        world.Stores.Register(services);
        services.AddLogging();
        services.AddSingleton<TrackingService>();
        services.AddSingleton<RegistryService>();
        services.AddSingleton<ModelUriResolver>();
        services.AddSingleton(sp => new LineageService(sp.GetRequiredService<RegistryService>(), sp.GetRequiredService<ITrackingStore>(), sp.GetRequiredService<IDatasetStore>()));
        services.AddSingleton<DatasetService>();
        services.AddSingleton(sp => new DeploymentService(sp.GetRequiredService<IDeploymentStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ModelUriResolver>()));
        services.AddSingleton<IMonitorResultObserver>(new RecordingObserver(world.Observed));
        services.AddKeelMonitors(new MonitoringOptions { RunScheduler = false });
        world._services = services.BuildServiceProvider();
        return world;
    }

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A dataset version holding <paramref name="csv"/> as one file, stored chunk and manifest in the data objects.</summary>
    public async Task<DatasetVersion> AddDatasetAsync(string name, string csv, string fileName = "train.csv")
    {
        var bytes = Encoding.UTF8.GetBytes(csv);
        var chunk = ContentHash.Of(bytes);
        var objects = Stores.DataObjectStore;
        await objects.PutAsync(chunk, new MemoryStream(bytes), Ct);
        var manifest = new DataManifest(false, [new ManifestFile(fileName, bytes.Length, [new ChunkRef(chunk, bytes.Length)])]);
        var manifestHash = manifest.ComputeHash();
        await objects.PutAsync(manifestHash, new MemoryStream(manifest.ToCanonicalJson()), Ct);
        var datasets = Get<DatasetService>();
        try
        {
            await datasets.CreateDatasetAsync(name, "", [], Ct);
        }
        catch (Core.Common.KeelException e) when (e.Code == Core.Common.ErrorCode.ResourceAlreadyExists)
        {
            // A second version of the same dataset.
        }
        return await datasets.CreateVersionAsync(
            new NewDatasetVersion(name, manifestHash, bytes.Length, 1, DatasetKinds.File, "", [], null, fileName, null, null, null, 0), Ct);
    }

    /// <summary>A registered model at alias champion whose run logged <paramref name="training"/> as input and <paramref name="metrics"/>.</summary>
    public async Task<ModelVersion> AddModelAsync(string name, DatasetVersion? training, params (string Key, double Value)[] metrics)
    {
        var tracking = Get<TrackingService>();
        var run = await tracking.CreateRunAsync("0", "test", $"train-{name}", null, [], Ct);
        var runId = run.Info.RunId;
        foreach (var (key, value) in metrics)
        {
            await tracking.LogMetricAsync(runId, key, value, Time.GetUtcNow().ToUnixTimeMilliseconds(), 0, Ct);
        }
        if (training is not null)
        {
            await tracking.LogInputsAsync(runId,
                [new DatasetInput(new Dataset(training.Name, training.ManifestHash, "keel", training.Name, null, null), [new Tag("mlflow.data.context", "training")])], Ct);
        }
        var registry = Get<RegistryService>();
        await registry.CreateRegisteredModelAsync(name, null, null, Ct);
        var version = await registry.CreateModelVersionAsync(name, $"runs:/{runId}/model", runId, null, null, null, Ct);
        await registry.SetAliasAsync(name, "champion", version.Version.ToString(CultureInfo.InvariantCulture), Ct);
        return version;
    }

    public Task<Deployment> AddDeploymentAsync(string name, string model) =>
        Get<DeploymentService>().CreateAsync(new DeploymentSpec(name, [new TrafficRoute("champion", $"models:/{model}@champion", 100)], []), Ct);

    /// <summary>Logs <paramref name="rows"/> one-row requests spread over [start, start + span) as one segment.</summary>
    public async Task<IReadOnlyList<PredictionRecord>> LogTrafficAsync(
        string deployment, DateTimeOffset start, TimeSpan span, IReadOnlyList<Dictionary<string, object?>> rows,
        Func<int, IReadOnlyDictionary<string, object?>>? outputs = null, Func<int, int>? status = null, Func<int, double>? latency = null)
    {
        var builder = new PredictionSegmentBuilder();
        var records = new List<PredictionRecord>();
        for (var i = 0; i < rows.Count; i++)
        {
            var code = status?.Invoke(i) ?? 200;
            var record = new PredictionRecord(
                $"req-{Guid.NewGuid():N}", 0, start + (span * i / rows.Count), deployment, "m", "1", "champion", false, latency?.Invoke(i) ?? 10, code,
                rows[i], code >= 400 ? new Dictionary<string, object?>() : outputs?.Invoke(i) ?? new Dictionary<string, object?> { ["prediction"] = 0L });
            builder.Add(record);
            records.Add(record);
        }
        var name = PredictionSegmentName.Create(builder.First!.Value, builder.Last!.Value, Guid.NewGuid().ToString("N")[..8]);
        await Logs.WriteSegmentAsync(deployment, name.ToString(), new MemoryStream(await builder.ToArrayAsync(Ct)), Ct);
        return records;
    }

    public Task AddLabelsAsync(string deployment, IEnumerable<(PredictionRecord Record, object Label)> labels) =>
        Logs.AppendLabelsAsync(deployment, [.. labels.Select(l => new GroundTruth(l.Record.RequestId, l.Record.Row, l.Label, Time.GetUtcNow()))], Ct);

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
        await _harness.DisposeAsync();
    }

    private sealed class RecordingObserver(List<MonitorRunResult> results) : IMonitorResultObserver
    {
        public void OnResult(MonitorRunResult result)
        {
            lock (results)
            {
                results.Add(result);
            }
        }

        public void OnDeleted(string monitor)
        {
        }
    }
}

/// <summary>Seeded samples of the training distribution and of a shifted one.</summary>
public static class ChurnData
{
    public static string[] Plans { get; } = ["basic", "pro"];

    public static Dictionary<string, object?> Row(Random random, bool shifted)
    {
        var age = Normal(random, shifted ? 62 : 40, 8);
        var income = Normal(random, shifted ? 90_000 : 50_000, 9_000);
        var plan = random.NextDouble() < (shifted ? 0.9 : 0.3) ? "pro" : "basic";
        return new Dictionary<string, object?> { ["age"] = Math.Round(age, 2), ["income"] = Math.Round(income, 2), ["plan"] = plan };
    }

    public static List<Dictionary<string, object?>> Rows(int seed, int count, bool shifted)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => Row(random, shifted))];
    }

    public static string TrainingCsv(int seed, int count)
    {
        var csv = new StringBuilder("age,income,plan,label\n");
        var random = new Random(seed);
        foreach (var row in Rows(seed, count, shifted: false))
        {
            csv.Append(CultureInfo.InvariantCulture, $"{row["age"]},{row["income"]},{row["plan"]},{random.Next(2)}\n");
        }
        return csv.ToString();
    }

    private static double Normal(Random random, double mean, double sd) =>
        mean + (sd * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
}
