namespace Keel.Core.Artifacts;

/// <summary>One entry of a directory listing.</summary>
/// <param name="Path">Full path of the entry from the store's root.</param>
/// <param name="IsDirectory">True for a directory.</param>
/// <param name="Size">File size in bytes; null for directories.</param>
public sealed record ArtifactEntry(ArtifactPath Path, bool IsDirectory, long? Size);

/// <summary>
/// Blob storage for artifacts, addressed by <see cref="ArtifactPath"/> from the store's root.
/// Implementations: local filesystem (default); S3-compatible object storage.
/// Content always streams: memory use is bounded whatever the size of a file.
/// Refused paths (e.g. through a symbolic link) throw <see cref="Common.KeelException"/> with
/// <see cref="Common.ErrorCode.InvalidParameterValue"/>.
/// </summary>
public interface IArtifactStore
{
    /// <summary>
    /// Writes <paramref name="content"/> (read to its end) to the file at <paramref name="path"/>, creating
    /// missing directories and replacing an existing file. Readers see the old file or the new one, never a
    /// part. A directory at <paramref name="path"/>, or a file where a directory is needed, is refused.
    /// </summary>
    Task PutAsync(ArtifactPath path, Stream content, CancellationToken ct = default);

    /// <summary>
    /// Opens the file at <paramref name="path"/> for reading; the caller disposes the stream. A missing file
    /// or a directory throws <see cref="Common.ErrorCode.ResourceDoesNotExist"/>.
    /// </summary>
    Task<Stream> OpenReadAsync(ArtifactPath path, CancellationToken ct = default);

    /// <summary>
    /// The direct children of <paramref name="directory"/> (<see cref="ArtifactPath.Root"/> for the top),
    /// ordered by path (ordinal). A missing directory, or a path naming a file, lists as empty, as MLflow's
    /// artifact repositories do.
    /// </summary>
    Task<IReadOnlyList<ArtifactEntry>> ListAsync(ArtifactPath directory, CancellationToken ct = default);

    /// <summary>
    /// Deletes the file, or the directory and everything below it, at <paramref name="path"/>
    /// (<see cref="ArtifactPath.Root"/> empties the store). A missing path is not an error.
    /// </summary>
    Task DeleteAsync(ArtifactPath path, CancellationToken ct = default);
}
