using System.Collections.Concurrent;
using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Core.Data.Manifests;
using Keel.Data.Repository;

namespace Keel.Data.Checkout;

/// <summary>
/// Decides, without changing anything, what checkout must do to each tracked item: which files to write, which are
/// already right, which untracked files or obstacles to delete (--force) or leave. Anything that would lose data not
/// held in the cache is collected and refused in one message before a single byte is written.
/// </summary>
internal sealed class CheckoutPlanner(DataRepository repository, bool force)
{
    private const int MaxNamedRefusals = 5;

    private readonly RecoverableContent _recoverable = new(repository.Cache);
    private readonly ConcurrentQueue<string> _refusals = new();
    private readonly ConcurrentQueue<CheckoutEntry> _entries = new();
    private readonly ConcurrentQueue<PlannedWrite> _writes = new();
    private readonly ConcurrentQueue<PlannedRemoval> _removals = new();

    public CheckoutPlan Plan(IReadOnlyList<TrackedData> items, CancellationToken ct)
    {
        // Manifests first: a missing one stops the checkout before any file is read.
        var manifests = items.Select(item => (Item: item, Manifest: LoadManifest(item))).ToArray();
        foreach (var (item, manifest) in manifests)
        {
            PlanItem(item, manifest, ct);
        }
        if (!_refusals.IsEmpty)
        {
            throw new KeelException(ErrorCode.InvalidState, RefusalMessage());
        }
        RequireChunks();
        return new CheckoutPlan(
            items,
            [.. _entries.OrderBy(e => e.Path, StringComparer.Ordinal)],
            [.. _writes.OrderBy(w => w.RelativePath, StringComparer.Ordinal)],
            [.. _removals]);
    }

    private DataManifest LoadManifest(TrackedData item)
    {
        var manifest = CachedManifest.Load(repository.Cache, item.Spec.Manifest, $"'{item.RelativePath}'");
        if (manifest.IsDirectory != item.Spec.IsDirectory)
        {
            throw KeelException.InvalidParameter(
                $"Pointer file '{repository.Relative(item.PointerPath)}' tracks a {Kind(item.Spec.IsDirectory)} but its manifest {item.Spec.Manifest} describes a {Kind(manifest.IsDirectory)}.");
        }
        return manifest;
    }

    private void PlanItem(TrackedData item, DataManifest manifest, CancellationToken ct)
    {
        if (!manifest.IsDirectory)
        {
            PlanFile(item.TrackedPath, manifest.Files[0], blocked: false, ct);
            return;
        }
        var root = item.TrackedPath;
        if (File.Exists(root) || (new FileInfo(root).LinkTarget is not null && !Directory.Exists(root)))
        {
            InTheWay(root, $"'{repository.Relative(root)}' is a file where a tracked folder belongs");
            foreach (var file in manifest.Files)
            {
                PlanFile(DataPaths.Join(root, file.Path, $"manifest of '{item.RelativePath}'"), file, blocked: true, ct);
            }
            return;
        }
        // The tracked folder itself may be a link (data kept on another disk): that is the user's choice; links below it are not.
        var blockedFolders = FindBlockedFolders(root, manifest);
        Parallel.ForEach(
            manifest.Files,
            new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Environment.ProcessorCount },
            file => PlanFile(DataPaths.Join(root, file.Path, $"manifest of '{item.RelativePath}'"), file, IsBelow(file.Path, blockedFolders), ct));
        if (Directory.Exists(root))
        {
            var tracked = manifest.Files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
            PlanUntracked(root, root, "", tracked, blockedFolders);
        }
    }

    /// <summary>Folders the manifest needs that exist as a file or a link: deleted with --force, refused otherwise.</summary>
    private HashSet<string> FindBlockedFolders(string root, DataManifest manifest)
    {
        var needed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in manifest.Files)
        {
            for (var slash = file.Path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = file.Path.IndexOf('/', slash + 1))
            {
                needed.Add(file.Path[..slash]);
            }
        }
        var blocked = new HashSet<string>(StringComparer.Ordinal);
        foreach (var folder in needed)
        {
            if (IsBelow(folder, blocked))
            {
                continue;
            }
            var full = DataPaths.Join(root, folder);
            // A link inside a tracked folder could point anywhere; checkout never writes through one.
            if (new DirectoryInfo(full).LinkTarget is not null)
            {
                blocked.Add(folder);
                InTheWay(full, $"'{repository.Relative(full)}' is a symbolic link where a tracked folder belongs");
            }
            else if (File.Exists(full))
            {
                blocked.Add(folder);
                InTheWay(full, $"'{repository.Relative(full)}' is a file where a tracked folder belongs");
            }
        }
        return blocked;
    }

    private static bool IsBelow(string path, HashSet<string> folders)
    {
        for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            if (folders.Contains(path[..slash]))
            {
                return true;
            }
        }
        return folders.Contains(path);
    }

    private void PlanFile(string full, ManifestFile file, bool blocked, CancellationToken ct)
    {
        var relative = repository.Relative(full);
        if (blocked || (!Path.Exists(full) && new FileInfo(full).LinkTarget is null))
        {
            Write(full, relative, file, CheckoutChange.Created);
        }
        else if (new FileInfo(full).LinkTarget is not null)
        {
            // Replacing a link loses nothing: the rename swaps the link itself, never what it points at.
            Write(full, relative, file, CheckoutChange.Overwritten);
        }
        else if (Directory.Exists(full))
        {
            InTheWay(full, $"'{relative}' is a folder where a tracked file belongs");
            Write(full, relative, file, CheckoutChange.Created);
        }
        else if (ChunkRanges.Match(full, file.Size, file.Chunks, ct))
        {
            _entries.Enqueue(new CheckoutEntry(relative, CheckoutChange.Unchanged, file.Size));
        }
        else if (force || _recoverable.Holds(full, new FileInfo(full).Length, ct))
        {
            Write(full, relative, file, CheckoutChange.Overwritten);
        }
        else
        {
            _refusals.Enqueue($"'{relative}' was modified and that content is not in the cache (run 'keel data add' to keep it)");
        }
    }

    private void PlanUntracked(string folder, string root, string prefix, HashSet<string> tracked, HashSet<string> blocked)
    {
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
        {
            var relative = prefix + entry.Name;
            if (blocked.Contains(relative) || tracked.Contains(relative))
            {
                continue;
            }
            if (entry is DirectoryInfo directory && entry.LinkTarget is null)
            {
                PlanUntracked(directory.FullName, root, relative + "/", tracked, blocked);
                continue;
            }
            var size = entry is FileInfo { LinkTarget: null } file ? file.Length : 0;
            var display = repository.Relative(entry.FullName);
            if (force)
            {
                _removals.Enqueue(new PlannedRemoval(entry.FullName, display, size, root));
                _entries.Enqueue(new CheckoutEntry(display, CheckoutChange.Removed, size));
            }
            else
            {
                _entries.Enqueue(new CheckoutEntry(display, CheckoutChange.Untracked, size));
            }
        }
    }

    private void InTheWay(string full, string reason)
    {
        if (force)
        {
            var relative = repository.Relative(full);
            _removals.Enqueue(new PlannedRemoval(full, relative, 0, PruneUpTo: null));
            _entries.Enqueue(new CheckoutEntry(relative, CheckoutChange.Removed, 0));
        }
        else
        {
            _refusals.Enqueue(reason);
        }
    }

    private void Write(string full, string relative, ManifestFile file, CheckoutChange change)
    {
        _writes.Enqueue(new PlannedWrite(full, relative, file, change));
        _entries.Enqueue(new CheckoutEntry(relative, change, file.Size));
    }

    // Missing chunks are found before writing, so a checkout never stops half-way for want of a pull.
    private void RequireChunks()
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var write in _writes.OrderBy(w => w.RelativePath, StringComparer.Ordinal))
        {
            foreach (var chunk in write.File.Chunks)
            {
                if (!present.Contains(chunk.Hash) && !repository.Cache.Contains(chunk.Hash))
                {
                    throw KeelException.NotFound($"Cannot restore '{write.RelativePath}': its chunk {chunk.Hash} is not in the local cache; run 'keel data pull' to fetch it.");
                }
                present.Add(chunk.Hash);
            }
        }
    }

    private string RefusalMessage()
    {
        var reasons = _refusals.Order(StringComparer.Ordinal).ToArray();
        var named = string.Join("; ", reasons.Take(MaxNamedRefusals));
        var more = reasons.Length > MaxNamedRefusals ? $"; and {reasons.Length - MaxNamedRefusals} more" : "";
        return $"Checkout stopped before changing anything: {named}{more}. Use --force to overwrite or delete them.";
    }

    private static string Kind(bool isDirectory) => isDirectory ? "folder" : "file";
}
