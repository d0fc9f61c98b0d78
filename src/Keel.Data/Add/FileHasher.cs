using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Core.Data.Chunking;
using Keel.Core.Data.Manifests;
using Keel.Data.Cache;
using Keel.Data.StatCache;

namespace Keel.Data.Add;

/// <summary>A file's chunks, and how many of them (and how many bytes) were new to the cache.</summary>
internal sealed record HashedFile(IReadOnlyList<ChunkRef> Chunks, long NewChunks, long NewBytes);

/// <summary>
/// Streams one file through the chunker, addresses each chunk by SHA-256 and stores the ones the cache lacks. Any
/// failure to read becomes one line naming the file; the chunks stored before it are whole, valid objects.
/// </summary>
internal sealed class FileHasher(ContentDefinedChunker chunker, LocalObjectCache cache)
{
    public HashedFile Hash(WorkingFile file, Action<long> bytesRead)
    {
        var chunks = new List<ChunkRef>();
        long newChunks = 0, newBytes = 0, total = 0;
        try
        {
            // No FileStream buffer: the chunker reads in large blocks into its own.
            using var stream = new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.SequentialScan);
            foreach (var chunk in chunker.Split(stream))
            {
                var hash = ContentHash.Of(chunk.Span);
                if (cache.PutJustHashed(hash, chunk.Span))
                {
                    newChunks++;
                    newBytes += chunk.Length;
                }
                chunks.Add(new ChunkRef(hash, chunk.Length));
                total += chunk.Length;
                bytesRead(chunk.Length);
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw KeelException.NotFound($"'{file.RepositoryPath}' disappeared while being added; run the add again.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw KeelException.InvalidParameter($"Cannot read '{file.RepositoryPath}': {e.Message}");
        }
        if (total != file.Status.Stamp.Size || FileStamps.Read(file.FullPath) != file.Status)
        {
            throw new KeelException(ErrorCode.InvalidState, $"'{file.RepositoryPath}' changed while being added; run the add again once it is written.");
        }
        return new HashedFile(chunks, newChunks, newBytes);
    }
}
