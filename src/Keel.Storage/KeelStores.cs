using Keel.Core.Artifacts;
using Keel.Core.Deployments;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Storage;

/// <summary>The stores one Keel process uses, opened from <see cref="StorageOptions"/> by <see cref="KeelStorage"/>.</summary>
/// <param name="tracking">Experiments and runs.</param>
/// <param name="registry">Registered models, versions and aliases.</param>
/// <param name="deployments">Deployments and their revision history.</param>
/// <param name="artifacts">
/// Artifact blobs, e.g. <c>LocalArtifactStore.FromDestination(options.ArtifactsDestination, options.DataDirectory)</c>.
/// </param>
/// <param name="owner">Disposed with the stores (the connection owner).</param>
public sealed class KeelStores(
    ITrackingStore tracking, IRegistryStore registry, IDeploymentStore deployments, IArtifactStore artifacts, IAsyncDisposable owner) : IAsyncDisposable
{
    public ITrackingStore Tracking { get; } = tracking;

    public IRegistryStore Registry { get; } = registry;

    public IDeploymentStore Deployments { get; } = deployments;

    public IArtifactStore Artifacts { get; } = artifacts;

    /// <summary>Registers every store as a singleton port for the hosts.</summary>
    public IServiceCollection Register(IServiceCollection services) =>
        services.AddSingleton(Tracking).AddSingleton(Registry).AddSingleton(Deployments).AddSingleton(Artifacts);

    public ValueTask DisposeAsync() => owner.DisposeAsync();
}
