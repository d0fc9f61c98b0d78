using Keel.Core.Artifacts;
using Keel.Core.Data;
using Keel.Core.Datasets;
using Keel.Core.Deployments;
using Keel.Core.Hosting;
using Keel.Core.Monitoring.Monitors;
using Keel.Core.Pipelines;
using Keel.Core.Registry;
using Keel.Core.Registry.Governance;
using Keel.Core.Tracking;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Storage;

/// <summary>The stores one Keel process uses, opened from <see cref="StorageOptions"/> by <see cref="KeelStorage"/>.</summary>
/// <param name="tracking">Experiments and runs.</param>
/// <param name="registry">Registered models, versions and aliases.</param>
/// <param name="deployments">Deployments and their revision history.</param>
/// <param name="datasets">Registered datasets and their versions.</param>
/// <param name="monitors">Monitors, their results and alert events.</param>
/// <param name="pipelines">Registered pipelines, their runs and the server's run cache.</param>
/// <param name="artifacts">
/// Artifact blobs, e.g. <c>LocalArtifactStore.FromDestination(options.ArtifactsDestination, options.DataDirectory)</c>.
/// </param>
/// <param name="dataObjects">
/// Data chunks and manifests, kept apart from artifacts (locally <c>&lt;data dir&gt;/data-objects</c>) so data never
/// mixes with experiment artifacts.
/// </param>
/// <param name="owner">Disposed with the stores (the connection owner).</param>
/// <param name="maxDataObjectBytes">The largest data object the server accepts [default: 64 MiB].</param>
public sealed class KeelStores(
    ITrackingStore tracking,
    IRegistryStore registry,
    IDeploymentStore deployments,
    IDatasetStore datasets,
    IMonitorStore monitors,
    IPipelineStore pipelines,
    IArtifactStore artifacts,
    IArtifactStore dataObjects,
    IAsyncDisposable owner,
    long maxDataObjectBytes = DataObjectStore.DefaultMaxObjectBytes) : IAsyncDisposable
{
    public ITrackingStore Tracking { get; } = tracking;

    public IRegistryStore Registry { get; } = registry;

    public IDeploymentStore Deployments { get; } = deployments;

    public IDatasetStore Datasets { get; } = datasets;

    public IMonitorStore Monitors { get; } = monitors;

    public IPipelineStore Pipelines { get; } = pipelines;

    /// <summary>Alias history and approvals, on the registry's own database (moves commit with the alias change).</summary>
    public IGovernanceStore Governance { get; } = (registry as IGovernanceStoreSource)?.CreateGovernanceStore()
        ?? throw new ArgumentException("The registry store must be one of Keel's SQL stores, which keep alias history beside it.", nameof(registry));

    /// <summary>The web UI's data protection keys, in the metadata database so every replica on it shares them.</summary>
    public IKeyRingStore KeyRing { get; } = (tracking as IKeyRingStoreSource)?.CreateKeyRingStore()
        ?? throw new ArgumentException("The tracking store must be one of Keel's SQL stores, which keep the key ring beside it.", nameof(tracking));

    public IArtifactStore Artifacts { get; } = artifacts;

    /// <summary>The blob store under <see cref="DataObjectStore"/>; not registered as an <see cref="IArtifactStore"/>.</summary>
    public IArtifactStore DataObjects { get; } = dataObjects;

    /// <summary>Hash-verified access to <see cref="DataObjects"/>, as the server uses it.</summary>
    public DataObjectStore DataObjectStore { get; } = new(dataObjects, maxDataObjectBytes);

    /// <summary>
    /// Registers every store as a singleton port for the hosts. Data objects are registered only as
    /// <see cref="Core.Data.DataObjectStore"/>, so code asking for artifacts never receives them.
    /// </summary>
    public IServiceCollection Register(IServiceCollection services) =>
        services.AddSingleton(Tracking).AddSingleton(Registry).AddSingleton(Deployments).AddSingleton(Datasets).AddSingleton(Monitors).AddSingleton(Pipelines)
            .AddSingleton(Governance)
            .AddSingleton(KeyRing)
            .AddSingleton(Artifacts)
            .AddSingleton(DataObjectStore);

    public ValueTask DisposeAsync() => owner.DisposeAsync();
}
