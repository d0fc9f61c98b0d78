using Keel.Data.Cache;

namespace Keel.Data.Checkout;

/// <summary>Carries out a plan's file operations: whole-file writes from the cache, and deletions.</summary>
internal static class CheckoutWriter
{
    private const int BufferSize = 1 << 20;

    /// <summary>
    /// Writes the file to a temporary name beside it and renames it into place, so a failure (a corrupt chunk, a full
    /// disk) leaves the old file or no file, never a half-written one. <paramref name="written"/> gets each byte count.
    /// </summary>
    public static void Write(LocalObjectCache cache, PlannedWrite write, Action<int> written, CancellationToken ct)
    {
        var folder = Path.GetDirectoryName(write.FullPath)!;
        Directory.CreateDirectory(folder);
        // A fixed-length name: the target's own name may already be near the file system's limit.
        var temporary = Path.Combine(folder, $".keel-{Guid.NewGuid():N}.tmp");
        try
        {
            using (var source = new CachedFileStream(cache, write.File, write.RelativePath))
            using (var target = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                var buffer = new byte[BufferSize];
                int read;
                while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
                {
                    ct.ThrowIfCancellationRequested();
                    target.Write(buffer, 0, read);
                    written(read);
                }
            }
            File.Move(temporary, write.FullPath, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public static void Remove(PlannedRemoval removal)
    {
        var info = new DirectoryInfo(removal.FullPath);
        // Recursive deletion removes links inside the folder, never what they point at.
        if (info.Exists && info.LinkTarget is null)
        {
            info.Delete(recursive: true);
        }
        else
        {
            File.Delete(removal.FullPath);
        }
        if (removal.PruneUpTo is not { } stop)
        {
            return;
        }
        var limit = Path.TrimEndingDirectorySeparator(Path.GetFullPath(stop));
        for (var folder = Path.GetDirectoryName(removal.FullPath); folder is not null && folder.Length > limit.Length && folder.StartsWith(limit, StringComparison.Ordinal);
             folder = Path.GetDirectoryName(folder))
        {
            if (Directory.EnumerateFileSystemEntries(folder).Any())
            {
                return;
            }
            Directory.Delete(folder);
        }
    }
}
