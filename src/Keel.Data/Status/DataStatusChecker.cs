using System.Collections.Concurrent;
using Keel.Core.Common;
using Keel.Core.Data.Manifests;
using Keel.Data.Cache;
using Keel.Data.Repository;
using Keel.Data.StatCache;

namespace Keel.Data.Status;

/// <summary>
/// <c>keel data status</c>: compares each tracked file or folder with the manifest its pointer names. Files whose stat
/// cache entry still fits and lists the manifest's chunks are not read; the rest are hashed along the manifest's chunk
/// boundaries, in parallel, and remembered when they match.
/// </summary>
public sealed class DataStatusChecker(DataRepository repository)
{
    /// <summary>Files verified at once [default: <see cref="Environment.ProcessorCount"/>].</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Checks the pointers <paramref name="targets"/> name (see <see cref="DataRepository.FindTracked"/>; all pointers
    /// when empty). A malformed pointer, or a cached manifest that is corrupt, throws <see cref="KeelException"/>.
    /// </summary>
    public DataStatusReport Check(IReadOnlyCollection<string> targets, string workingDirectory, CancellationToken ct = default)
    {
        var tracked = repository.FindTracked(targets, workingDirectory);
        var statCache = FileStatCache.Load(repository.Cache.Root);
        long bytesRead = 0;
        try
        {
            var items = tracked.Select(t => CheckOne(t, statCache, n => Interlocked.Add(ref bytesRead, n), ct)).ToArray();
            return new DataStatusReport(items, bytesRead);
        }
        finally
        {
            statCache.Save();
        }
    }

    private TrackedStatus CheckOne(TrackedData tracked, FileStatCache statCache, Action<long> bytesRead, CancellationToken ct)
    {
        if (ReadManifest(tracked) is not { } manifest)
        {
            return new TrackedStatus(tracked, TrackedState.ManifestNotCached, []);
        }
        var kind = FileStamps.Read(tracked.TrackedPath).Kind;
        if (kind == FileKind.Missing)
        {
            return new TrackedStatus(tracked, TrackedState.Missing, []);
        }
        if ((kind == FileKind.Directory) != tracked.Spec.IsDirectory || kind is FileKind.SymbolicLink or FileKind.Special)
        {
            // A file replaced by a folder (or a link): the tracked item as a whole changed.
            return new TrackedStatus(tracked, TrackedState.Modified, [new FileChange(tracked.Spec.Path, FileChangeKind.Modified)]);
        }

        var expected = manifest.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        var changes = new ConcurrentBag<FileChange>();
        var toRead = new List<(WorkingFile File, ManifestFile Expected)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in WorkingTree.List(repository, tracked.TrackedPath, kind))
        {
            seen.Add(file.ManifestPath);
            if (!expected.TryGetValue(file.ManifestPath, out var entry))
            {
                changes.Add(new FileChange(file.ManifestPath, FileChangeKind.Added));
            }
            else if (file.Status.Kind != FileKind.Regular || file.Status.Stamp.Size != entry.Size)
            {
                changes.Add(new FileChange(file.ManifestPath, FileChangeKind.Modified));
            }
            else if (statCache.Find(file.RepositoryPath, file.Status.Stamp) is not { } known || !SameChunks(known, entry.Chunks))
            {
                toRead.Add((file, entry));
            }
        }
        foreach (var removed in manifest.Files.Where(f => !seen.Contains(f.Path)))
        {
            changes.Add(new FileChange(removed.Path, FileChangeKind.Removed));
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = MaxDegreeOfParallelism, CancellationToken = ct };
        Parallel.ForEach(toRead, parallel, pair =>
        {
            if (ChunkListMatcher.Matches(pair.File, pair.Expected, bytesRead) && FileStamps.Read(pair.File.FullPath) == pair.File.Status)
            {
                statCache.Record(pair.File.RepositoryPath, pair.File.Status.Stamp, pair.Expected.Chunks);
            }
            else
            {
                changes.Add(new FileChange(pair.File.ManifestPath, FileChangeKind.Modified));
            }
        });

        var ordered = changes.OrderBy(c => c.Path, StringComparer.Ordinal).ToArray();
        return new TrackedStatus(tracked, ordered.Length == 0 ? TrackedState.Unchanged : TrackedState.Modified, ordered);
    }

    /// <summary>The pointer's manifest from the cache, or null when it is not there.</summary>
    private DataManifest? ReadManifest(TrackedData tracked)
    {
        byte[] bytes;
        try
        {
            bytes = repository.Cache.ReadVerified(tracked.Spec.Manifest);
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            return null;
        }
        catch (CorruptObjectException e)
        {
            throw new KeelException(ErrorCode.InvalidState, $"Cannot check '{tracked.RelativePath}': {e.Message}");
        }
        DataManifest manifest;
        try
        {
            manifest = DataManifest.Parse(bytes);
        }
        catch (KeelException e)
        {
            throw new KeelException(ErrorCode.InvalidState, $"Cannot check '{tracked.RelativePath}': manifest {tracked.Spec.Manifest} is unreadable: {e.Message}");
        }
        return manifest.IsDirectory == tracked.Spec.IsDirectory
            ? manifest
            : throw new KeelException(ErrorCode.InvalidState,
                $"Cannot check '{tracked.RelativePath}': its pointer says {(tracked.Spec.IsDirectory ? "folder" : "file")} but manifest {tracked.Spec.Manifest} describes a {(manifest.IsDirectory ? "folder" : "file")}.");
    }

    private static bool SameChunks(IReadOnlyList<ChunkRef> a, IReadOnlyList<ChunkRef> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        for (var i = 0; i < a.Count; i++)
        {
            if (a[i].Size != b[i].Size || !string.Equals(a[i].Hash, b[i].Hash, StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }
}
