using System.Text;
using Keel.Core.Data;
using Keel.Core.Data.Manifests;
using Keel.Core.Data.Profiles;
using Keel.Core.Datasets;
using Keel.Core.Deployments;
using Keel.Core.Registry;
using Keel.Core.Tracking;

namespace Keel.Web.Tests.Registry;

/// <summary>
/// Seeds datasets, runs, registered models and deployments through the real services and stores of a
/// <see cref="UiServerFixture"/>'s server (what the API writes), with unique names per call.
/// </summary>
internal sealed class CatalogSeed(UiServerFixture server)
{
    public const string MlModel = """
        flavors:
          python_function:
            loader_module: mlflow.sklearn
        signature:
          inputs: '[{"name": "age", "type": "long"}, {"name": "city", "type": "string"}]'
          outputs: '[{"type": "double"}]'
          params: null
        """;

    public RegistryService Registry { get; } = new(server.Server.Stores.Registry, server.Server.Stores.Tracking, TimeProvider.System);

    public DeploymentService Deployments { get; } = new(server.Server.Stores.Deployments, TimeProvider.System);

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private static long Now => TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>A profile of two columns: a numeric one with a 5-bin histogram and a text one with top values.</summary>
    public static DatasetProfile Profile(long rows = 100, double meanAge = 40) => new(rows,
    [
        new ColumnProfile("age", ColumnKinds.Whole, rows - 2, 2, 55, 18, 80, meanAge, 12.5,
            [new QuantilePoint(0.5, meanAge)], new Histogram([18, 30, 42, 54, 66, 80], [20, 30, 25, 15, 8])),
        new ColumnProfile("city", ColumnKinds.Text, rows, 0, 3, TopValues: [new ValueCount("Paris", 50), new ValueCount("Lyon", 30), new ValueCount("Nice", 20)]),
    ]);

    public static IReadOnlyList<DatasetColumn> Schema(DatasetProfile profile) => [.. profile.Columns.Select(c => new DatasetColumn(c.Name, c.Type))];

    /// <summary>
    /// The next version of dataset <paramref name="name"/> (created when missing), with a real manifest of one file
    /// stored in the server's data objects.
    /// </summary>
    public async Task<DatasetVersion> DatasetVersionAsync(
        string name, DatasetProfile? profile, IReadOnlyList<Tag>? tags = null, string? runId = null, string description = "")
    {
        var store = server.Server.Stores.Datasets;
        if (await store.GetDatasetAsync(name) is null)
        {
            await store.CreateDatasetAsync(new NewDataset(name, "", [], Now));
        }
        var content = Encoding.UTF8.GetBytes($"age,city\n{Guid.NewGuid():N}\n");
        var chunk = ContentHash.Of(content);
        await server.Server.Stores.DataObjectStore.PutAsync(chunk, new MemoryStream(content));
        var manifest = new DataManifest(false, [new ManifestFile("train.csv", content.Length, [new ChunkRef(chunk, content.Length)])]);
        var manifestHash = manifest.ComputeHash();
        await server.Server.Stores.DataObjectStore.PutAsync(manifestHash, new MemoryStream(manifest.ToCanonicalJson()));
        return await store.CreateVersionAsync(new NewDatasetVersion(
            name, manifestHash, content.Length, 1, DatasetKinds.File, description, tags ?? [], runId, "data/train.csv",
            profile?.RowCount, profile is null ? null : Schema(profile), profile, Now));
    }

    /// <summary>
    /// A finished training run that logged <paramref name="input"/> (by manifest hash, as <c>keel</c>'s SDK does) and a
    /// model package, and a new version of <paramref name="modelName"/> registered from it.
    /// </summary>
    public async Task<(Run Run, ModelVersion Version)> ModelFromRunAsync(
        string modelName, DatasetVersion? input, string? description = null, IReadOnlyList<Tag>? tags = null)
    {
        var experimentId = await server.CreateExperimentAsync("training");
        var run = await server.CreateRunAsync(experimentId, "train-model", new Dictionary<string, string> { ["lr"] = "0.1" },
            new Dictionary<string, double> { ["accuracy"] = 0.91 });
        if (input is not null)
        {
            await server.Tracking.LogInputsAsync(run.Info.RunId,
            [
                new DatasetInput(new Dataset(input.Name, input.ManifestHash, "local", "data/train.csv", null, null),
                    [new Tag("mlflow.data.context", "training")]),
            ]);
        }
        await server.PutArtifactAsync(run, "model/MLmodel", MlModel);
        await server.PutArtifactAsync(run, "model/model_card.md", "# Churn model\nIntended use: ranking customers.");
        if (await server.Server.Stores.Registry.GetRegisteredModelAsync(modelName) is null)
        {
            await Registry.CreateRegisteredModelAsync(modelName, description, tags);
        }
        var version = await Registry.CreateModelVersionAsync(modelName, $"runs:/{run.Info.RunId}/model", run.Info.RunId, null, null, null);
        return (run, version);
    }

    public Task<Deployment> DeploymentAsync(string name, IReadOnlyList<TrafficRoute> routes, IReadOnlyList<ShadowRoute>? shadows = null, string? sticky = null) =>
        Deployments.CreateAsync(new DeploymentSpec(name, routes, shadows ?? [], sticky));
}
