using System.Collections.Concurrent;
using Keel.Core.Deployments;
using Keel.Core.Models;
using Keel.Models.Packages;
using Keel.Serving.Routing;
using Keel.Serving.Runtime;
using Keel.Serving.Tests.Support;
using Keel.Testing;
using Microsoft.ML;

namespace Keel.Serving.Tests.Routing;

/// <summary>
/// Real model hosts for routing tests, over local packages of model "churn": <see cref="V1"/> and <see cref="V2"/>
/// (<see cref="ServingModels"/>' two versions), <see cref="Slow"/> (version 2 behind <see cref="SlowObserver"/>,
/// which can hold its predictions) and <see cref="Broken"/> (a real model trained on other columns, so it refuses
/// every serving request). <see cref="StartAsync"/> is the router's host factory; it records each host it started.
/// </summary>
public sealed class RoutingHosts : IDisposable
{
    public const string ModelName = "churn";
    public const string V1 = "models:/churn/1";
    public const string V2 = "models:/churn/2";
    public const string Slow = "models:/churn-slow/2";
    public const string Broken = "models:/churn-broken/3";
    public const string Missing = "models:/churn/404";

    private readonly TempDirectory _packages = new("keel-routing");
    private readonly ConcurrentDictionary<string, LocalModelSource> _sources = new(StringComparer.Ordinal);

    public RoutingHosts(int maxBatchSize = 1)
    {
        MaxBatchSize = maxBatchSize;
        ServingModels.WritePackage(Path.Combine(_packages.Path, "v1"), version: 1);
        ServingModels.WritePackage(Path.Combine(_packages.Path, "v2"), version: 2);
        WriteOtherColumnsPackage(Path.Combine(_packages.Path, "broken"));
        _sources[V1] = new LocalModelSource(ModelName).Add("1", Path.Combine(_packages.Path, "v1"));
        _sources[V2] = new LocalModelSource(ModelName).Add("2", Path.Combine(_packages.Path, "v2"));
        _sources[Slow] = new LocalModelSource(ModelName).Add("2", Path.Combine(_packages.Path, "v2"));
        _sources[Broken] = new LocalModelSource(ModelName).Add("3", Path.Combine(_packages.Path, "broken"));
    }

    public int MaxBatchSize { get; }

    /// <summary>Observes <see cref="Slow"/>'s predictions; <see cref="RecordingObserver.Hold"/> makes them wait.</summary>
    public RecordingObserver SlowObserver { get; } = new();

    /// <summary>Every host <see cref="StartAsync"/> started, in order.</summary>
    public ConcurrentQueue<(string Uri, ModelHost Host)> Started { get; } = new();

    public LocalModelSource Source(string uri) => _sources[uri];

    public async Task<ModelHost> StartAsync(string uri, CancellationToken ct)
    {
        var source = _sources.TryGetValue(uri, out var found) ? found : throw new InvalidOperationException($"No model at {uri}.");
        var options = new ServingOptions { ModelUri = uri, MaxBatchSize = MaxBatchSize, ReloadInterval = Timeout.InfiniteTimeSpan };
        var host = await ModelHost.StartAsync(source, options, TimeProvider.System, null, uri == Slow ? SlowObserver : null, ct);
        Started.Enqueue((uri, host));
        return host;
    }

    public Task<TrafficRouter> RouterAsync(DeploymentSpec spec, TrafficRouterOptions? options = null) =>
        TrafficRouter.StartAsync(spec, StartAsync, options, TestContext.Current.CancellationToken);

    public static DeploymentSpec Spec(string? stickyHeader, params TrafficRoute[] routes) => new("churn-deploy", routes, [], stickyHeader);

    /// <summary>Distinct seeded rows, one batch per request.</summary>
    public static DataBatch[] Requests(int count, int seed) =>
        [.. ServingModels.Rows(count, seed).Select(row => ServingModels.Batch([row]))];

    public void Dispose()
    {
        SlowObserver.Dispose();
        _packages.Dispose();
    }

    private sealed class OtherRow
    {
        public float Age { get; set; }

        public float Dose { get; set; }

        public float Weight { get; set; }

        public bool Label { get; set; }
    }

    // A real, loadable model whose signature asks for Weight instead of Marker.
    private static void WriteOtherColumnsPackage(string directory)
    {
        var ml = new MLContext(seed: 3);
        var rows = ServingModels.Rows(100, seed: 5).Select(r => new OtherRow { Age = r.Age, Dose = r.Dose, Weight = r.Marker, Label = r.Label }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Concatenate("Features", nameof(OtherRow.Age), nameof(OtherRow.Dose), nameof(OtherRow.Weight))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression())
            .Fit(data);
        var example = new DataBatch(
        [
            DataColumn.Of(nameof(OtherRow.Age), new[] { 1f, 2f }),
            DataColumn.Of(nameof(OtherRow.Dose), new[] { 1f, 2f }),
            DataColumn.Of(nameof(OtherRow.Weight), new[] { 1f, 2f }),
        ]);
        ModelPackageWriter.WriteMlNet(directory, model, data.Schema, example, new ModelPackageInfo());
    }
}
