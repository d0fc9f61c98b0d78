using Keel.Core.Common;
using Keel.Core.Tracking;

namespace Keel.Core.Artifacts;

/// <summary>One listed entry, its path relative to the listed root (a run's artifact root, or the listed directory).</summary>
public sealed record ArtifactFile(string Path, bool IsDirectory, long? Size);

/// <summary>A run's artifacts under one directory, with the run's artifact URI.</summary>
public sealed record RunArtifactListing(string RootUri, IReadOnlyList<ArtifactFile> Files);

/// <summary>
/// The rules of artifacts: MLflow's artifact proxy (paths from the artifact store's root) and the listing of
/// a run's artifacts. Runs keep artifacts at <c>mlflow-artifacts:/&lt;experiment&gt;/&lt;run&gt;/artifacts</c>,
/// which names a path in <see cref="IArtifactStore"/>.
/// </summary>
public sealed class ArtifactService(ITrackingStore tracking, IArtifactStore store)
{
    public const string ProxyScheme = "mlflow-artifacts:";

    public Task PutAsync(ArtifactPath path, Stream content, CancellationToken ct = default) =>
        store.PutAsync(path, content, ct);

    public Task<Stream> OpenReadAsync(ArtifactPath path, CancellationToken ct = default) =>
        store.OpenReadAsync(path, ct);

    public Task DeleteAsync(ArtifactPath path, CancellationToken ct = default) =>
        store.DeleteAsync(path, ct);

    /// <summary>The proxy's listing: children of <paramref name="directory"/> by name only, as MLflow answers.</summary>
    public async Task<IReadOnlyList<ArtifactFile>> ListAsync(ArtifactPath directory, CancellationToken ct = default)
    {
        var entries = await store.ListAsync(directory, ct);
        return [.. entries.Select(e => new ArtifactFile(e.Path.Name, e.IsDirectory, e.Size))];
    }

    /// <summary>
    /// Lists a run's artifacts under <paramref name="path"/> (relative to the run's artifact root; empty for
    /// the root). Paths come back relative to the run's root (<c>model/MLmodel</c>), all in one page, as
    /// MLflow's server does for its own artifact stores.
    /// </summary>
    public async Task<RunArtifactListing> ListRunArtifactsAsync(string? runId, string? path, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(runId))
        {
            throw KeelException.InvalidParameter(
                "Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.");
        }
        var relative = ArtifactPath.ParseDirectory(path, "path");
        var run = await tracking.GetRunAsync(runId, ct) ?? throw KeelException.NotFound($"Run with id={runId} not found");
        var runRoot = ResolveProxyUri(run.Info.ArtifactUri);
        var entries = await store.ListAsync(runRoot.Append(relative), ct);
        var files = entries
            .Where(e => e.Path.IsUnder(runRoot))
            .Select(e => new ArtifactFile(e.Path.RelativeTo(runRoot).Value, e.IsDirectory, e.Size))
            .ToArray();
        return new RunArtifactListing(run.Info.ArtifactUri, files);
    }

    /// <summary>
    /// The store path an <c>mlflow-artifacts:</c> URI names: <c>mlflow-artifacts:/0/abc/artifacts</c> and
    /// <c>mlflow-artifacts://host/0/abc/artifacts</c> both give <c>0/abc/artifacts</c> (the host is ignored,
    /// as MLflow's server ignores it). Any other scheme is not served by this store.
    /// </summary>
    public static ArtifactPath ResolveProxyUri(string artifactUri)
    {
        ArgumentNullException.ThrowIfNull(artifactUri);
        if (!artifactUri.StartsWith(ProxyScheme, StringComparison.OrdinalIgnoreCase))
        {
            throw new KeelException(ErrorCode.InvalidState,
                $"Artifact location '{artifactUri}' is not served by this server: only '{ProxyScheme}/' locations are.");
        }
        var rest = artifactUri[ProxyScheme.Length..];
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            var slash = rest.IndexOf('/', 2);
            rest = slash < 0 ? string.Empty : rest[slash..];
        }
        return ArtifactPath.ParseDirectory(rest.TrimStart('/'), "artifact_uri");
    }
}
