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
internal sealed class FileHasher(ContentDefinedChunker chunker, LocalObjectCache cache, int workers = 1)
{
    // Below this a file is hashed on the calling worker alone; above it, by several (see HashChunksInParallel).
    private const long ParallelFileBytes = 16L << 20;

    /// <summary>
    /// Chunks, hashes and stores <paramref name="file"/>. New chunks are delta-encoded against the chunk at the same
    /// place in <paramref name="previous"/> (the file's last added version) when that pays.
    /// </summary>
    public HashedFile Hash(WorkingFile file, ManifestFile? previous, Action<long> bytesRead)
    {
        var bases = DeltaBases.For(previous);
        long offset = 0;
        var chunks = new List<ChunkRef>();
        long newChunks = 0, newBytes = 0, total = 0;
        void Record(ChunkRef chunk, bool stored)
        {
            if (stored)
            {
                Interlocked.Increment(ref newChunks);
                Interlocked.Add(ref newBytes, chunk.Size);
            }
            Interlocked.Add(ref total, chunk.Size);
            bytesRead(chunk.Size);
        }
        try
        {
            // No FileStream buffer: the chunker reads in large blocks into its own.
            using var stream = new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.SequentialScan);
            if (workers > 1 && file.Status.Stamp.Size >= ParallelFileBytes)
            {
                chunks.AddRange(HashChunksInParallel(stream, bases, Record));
            }
            else
            {
                foreach (var chunk in chunker.Split(stream))
                {
                    var hash = ContentHash.Of(chunk.Span);
                    var reference = new ChunkRef(hash, chunk.Length);
                    Record(reference, cache.PutJustHashed(hash, chunk.Span, bases?.Next(hash, offset, chunk.Length)));
                    chunks.Add(reference);
                    offset += chunk.Length;
                }
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

    /// <summary>
    /// One large file on all workers: the chunker finds boundaries on this thread (cheap) while up to
    /// <c>workers</c> copies of chunks are hashed and stored concurrently (SHA-256 is the cost). At most
    /// <c>2 × workers</c> chunks are in flight, so memory stays bounded by the chunker's maximum chunk size.
    /// </summary>
    private ChunkRef[] HashChunksInParallel(Stream stream, DeltaBases? bases, Action<ChunkRef, bool> record)
    {
        // Bases are picked in file order (picking needs to know which earlier chunks the versions share): each worker
        // hashes at once but picks its base only after the chunk before it has; only when there is a previous version.
        long offset = 0;
        var picked = Task.CompletedTask;
        var results = new List<ChunkRef?>();
        using var slots = new SemaphoreSlim(2 * workers);
        var pending = new List<Task>();
        var index = 0;
        try
        {
            foreach (var chunk in chunker.Split(stream))
            {
                slots.Wait();
                var copy = System.Buffers.ArrayPool<byte>.Shared.Rent(chunk.Length);
                chunk.Span.CopyTo(copy);
                var (at, length, start, previousPick) = (index++, chunk.Length, offset, picked);
                var pick = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                picked = pick.Task;
                offset += length;
                results.Add(null);
                pending.Add(Task.Run(async () =>
                {
                    try
                    {
                        var hash = ContentHash.Of(copy.AsSpan(0, length));
                        string? baseHash = null;
                        if (bases is not null)
                        {
                            await previousPick.ConfigureAwait(false);
                            baseHash = bases.Next(hash, start, length);
                        }
                        pick.TrySetResult();
                        var reference = new ChunkRef(hash, length);
                        record(reference, cache.PutJustHashed(hash, copy.AsSpan(0, length), baseHash));
                        lock (results)
                        {
                            results[at] = reference;
                        }
                    }
                    finally
                    {
                        pick.TrySetResult();
                        System.Buffers.ArrayPool<byte>.Shared.Return(copy);
                        slots.Release();
                    }
                }));
                pending.RemoveAll(t => t.IsCompletedSuccessfully);
            }
        }
        finally
        {
            // Even when reading fails, no worker may outlive this call (they use the semaphore and the cache); a
            // reading failure propagates as itself, not wrapped in the workers' outcome.
            Task.WhenAll(pending).ContinueWith(_ => { }, TaskScheduler.Default).Wait();
        }
        if (pending.FirstOrDefault(t => t.IsFaulted) is { Exception: { } failed })
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed.InnerException ?? failed);
        }
        return [.. results.Select(r => r!)];
    }
}
