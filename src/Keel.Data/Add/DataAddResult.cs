namespace Keel.Data.Add;

/// <summary>What adding one file or folder did.</summary>
/// <param name="PointerPath">Full path of the pointer file written.</param>
/// <param name="RelativePath">The tracked file or folder, relative to the repository root, '/'-separated.</param>
/// <param name="ManifestHash">The manifest's content hash, also written into the pointer.</param>
/// <param name="Size">Total bytes of the tracked files.</param>
/// <param name="FileCount">Number of files (1 for a tracked file).</param>
/// <param name="BytesHashed">Bytes read and hashed: files that were new or changed since the stat cache saw them.</param>
/// <param name="BytesReused">Bytes of unchanged files whose chunks came from the stat cache without reading them.</param>
/// <param name="NewChunks">Chunks not in the cache before, now stored.</param>
/// <param name="NewChunkBytes">Bytes of those new chunks.</param>
/// <param name="Elapsed">Time spent on this file or folder.</param>
public sealed record DataAddResult(
    string PointerPath,
    string RelativePath,
    string ManifestHash,
    long Size,
    long FileCount,
    long BytesHashed,
    long BytesReused,
    long NewChunks,
    long NewChunkBytes,
    TimeSpan Elapsed);
