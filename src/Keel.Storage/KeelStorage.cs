using Keel.Core.Common;
using Keel.Core.Datasets;
using Keel.Core.Deployments;
using Keel.Core.Monitoring.Monitors;
using Keel.Core.Pipelines;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Storage.FileSystem;
using Keel.Storage.Postgres;
using Keel.Storage.Sqlite;

namespace Keel.Storage;

/// <summary>Opens the stores named by <see cref="StorageOptions"/>; the backend is chosen by URI scheme.</summary>
public static class KeelStorage
{
    public const string DatabaseFileName = "keel.db";

    /// <summary>The folder of data chunks and manifests inside the data directory, beside <c>artifacts</c>.</summary>
    public const string DataObjectsFolderName = "data-objects";

    public static async Task<KeelStores> OpenAsync(StorageOptions options, TimeProvider time, CancellationToken ct = default)
    {
        Directory.CreateDirectory(options.DataDirectory);
        var openMetadata = MetadataOpener(options, time);
        var artifacts = ArtifactStores.FromDestination(options.ArtifactsDestination, options.DataDirectory);
        var metadata = await openMetadata(ct);
        var dataObjects = ArtifactStores.DataObjectsFor(options.ArtifactsDestination, options.DataDirectory);
        return new KeelStores(metadata.Tracking, metadata.Registry, metadata.Deployments, metadata.Datasets, metadata.Monitors, metadata.Pipelines,
            artifacts, dataObjects, metadata.Owner);
    }

    private sealed record MetadataStores(
        ITrackingStore Tracking, IRegistryStore Registry, IDeploymentStore Deployments, IDatasetStore Datasets, IMonitorStore Monitors, IPipelineStore Pipelines,
        IAsyncDisposable Owner);

    /// <summary>
    /// Chooses the metadata backend from the URI's scheme; a bad URI fails here, before anything is created.
    /// </summary>
    private static Func<CancellationToken, Task<MetadataStores>> MetadataOpener(StorageOptions options, TimeProvider time)
    {
        var uri = options.BackendStoreUri;
        if (!string.IsNullOrEmpty(uri) && PostgresUri.Matches(uri))
        {
            var connectionString = PostgresUri.ToConnectionString(uri);
            return async ct =>
            {
                var store = await PostgresTrackingStore.OpenAsync(connectionString, PostgresSettings.Default, time, ct);
                return new MetadataStores(store, store.CreateRegistryStore(), store.CreateDeploymentStore(), store.CreateDatasetStore(), store.CreateMonitorStore(), store.CreatePipelineStore(), store);
            };
        }
        var path = SqlitePath(uri) ?? Path.Combine(options.DataDirectory, DatabaseFileName);
        return async ct =>
        {
            var store = await SqliteTrackingStore.OpenAsync(path, time, ct);
            return new MetadataStores(store, store.CreateRegistryStore(), store.CreateDeploymentStore(), store.CreateDatasetStore(), store.CreateMonitorStore(), store.CreatePipelineStore(), store);
        };
    }

    /// <summary>MLflow's spelling: <c>sqlite:///relative.db</c>, <c>sqlite:////absolute.db</c>.</summary>
    internal static string? SqlitePath(string? uri)
    {
        if (string.IsNullOrEmpty(uri))
        {
            return null;
        }
        const string scheme = "sqlite:///";
        if (uri.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && uri.Length > scheme.Length)
        {
            return uri[scheme.Length..];
        }
        var shown = uri.Contains('@', StringComparison.Ordinal) ? uri[..uri.IndexOf(':', StringComparison.Ordinal)] + "://…" : uri;
        throw new KeelException(ErrorCode.InvalidParameterValue,
            $"Unsupported backend store URI '{shown}': use sqlite:///<path> (relative), sqlite:////<absolute path> "
            + "or postgresql://<user>:<password>@<host>:<port>/<database>.");
    }
}
