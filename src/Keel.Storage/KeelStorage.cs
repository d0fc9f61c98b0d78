using Keel.Core.Common;
using Keel.Storage.FileSystem;
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
        var databasePath = SqlitePath(options.BackendStoreUri) ?? Path.Combine(options.DataDirectory, DatabaseFileName);
        var artifacts = LocalArtifactStore.FromDestination(options.ArtifactsDestination, options.DataDirectory);
        var tracking = await SqliteTrackingStore.OpenAsync(databasePath, time, ct);
        var dataObjects = new LocalArtifactStore(Path.Combine(options.DataDirectory, DataObjectsFolderName));
        return new KeelStores(tracking, tracking.CreateRegistryStore(), tracking.CreateDeploymentStore(), tracking.CreateDatasetStore(),
            artifacts, dataObjects, tracking);
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
            $"Unsupported backend store URI '{shown}': use sqlite:///<path> (relative) or sqlite:////<absolute path>.");
    }
}
