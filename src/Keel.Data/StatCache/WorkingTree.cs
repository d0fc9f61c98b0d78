using System.IO.Enumeration;
using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Data.Repository;

namespace Keel.Data.StatCache;

/// <summary>A file of a tracked file or folder as found on disk.</summary>
/// <param name="FullPath">Where it is.</param>
/// <param name="ManifestPath">Its path in the manifest: relative to the tracked folder, or the file name of a tracked file.</param>
/// <param name="RepositoryPath">Its path relative to the repository root, the stat cache's key.</param>
/// <param name="Status">Its kind and stamp, read once while listing.</param>
internal sealed record WorkingFile(string FullPath, string ManifestPath, string RepositoryPath, FileStatus Status);

/// <summary>
/// Lists the files of a tracked file or folder: folders recursively, skipping symbolic links, pointer files and any
/// <c>.keel</c> or <c>.git</c> folder; ordered by manifest path. Files that vanish while listed are left out.
/// </summary>
internal static class WorkingTree
{
    public static IReadOnlyList<WorkingFile> List(DataRepository repository, string trackedPath, FileKind kind)
    {
        if (kind != FileKind.Directory)
        {
            var status = FileStamps.Read(trackedPath);
            return status.Kind == FileKind.Missing
                ? []
                : [new WorkingFile(trackedPath, Path.GetFileName(trackedPath), repository.Relative(trackedPath), status)];
        }
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            // Only links are skipped: on Unix .NET marks dot files hidden, and those are data like any other.
            AttributesToSkip = FileAttributes.ReparsePoint,
            IgnoreInaccessible = false,
        };
        var paths = new FileSystemEnumerable<string>(trackedPath, (ref FileSystemEntry entry) => entry.ToFullPath(), options)
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) =>
                !entry.IsDirectory && !entry.FileName.EndsWith(DataPointer.Extension, StringComparison.Ordinal),
            ShouldRecursePredicate = (ref FileSystemEntry entry) =>
                !entry.FileName.SequenceEqual(DataRepository.KeelFolder) && !entry.FileName.SequenceEqual(".git"),
        };
        var files = new List<WorkingFile>();
        try
        {
            foreach (var path in paths)
            {
                var status = FileStamps.Read(path);
                if (status.Kind is FileKind.Regular or FileKind.Special)
                {
                    var manifestPath = Path.GetRelativePath(trackedPath, path).Replace(Path.DirectorySeparatorChar, '/');
                    files.Add(new WorkingFile(path, manifestPath, repository.Relative(path), status));
                }
            }
        }
        catch (UnauthorizedAccessException e)
        {
            throw KeelException.InvalidParameter($"Cannot list '{repository.Relative(trackedPath)}': {e.Message}");
        }
        files.Sort((a, b) => string.CompareOrdinal(a.ManifestPath, b.ManifestPath));
        return files;
    }
}
