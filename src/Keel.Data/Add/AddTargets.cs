using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Data.Repository;
using Keel.Data.StatCache;

namespace Keel.Data.Add;

/// <summary>A file or folder to add, with its files already listed.</summary>
internal sealed record AddTarget(string FullPath, string RelativePath, bool IsDirectory, IReadOnlyList<WorkingFile> Files)
{
    public long Size => Files.Sum(f => f.Status.Stamp.Size);
}

/// <summary>
/// Checks every path given to <c>keel data add</c> and lists its files before anything is written, so a bad path or
/// an untrackable file refuses the whole command with one line.
/// </summary>
internal static class AddTargets
{
    public static IReadOnlyList<AddTarget> Resolve(DataRepository repository, IReadOnlyList<string> paths, string workingDirectory)
    {
        if (paths.Count == 0)
        {
            throw KeelException.InvalidParameter("Nothing to add: name at least one file or folder.");
        }
        var targets = new List<AddTarget>();
        foreach (var path in paths)
        {
            var full = repository.ResolveInside(path, workingDirectory);
            if (targets.Any(t => string.Equals(t.FullPath, full, StringComparison.Ordinal)))
            {
                continue;
            }
            var kind = FileStamps.Read(full).Kind;
            var name = Path.GetFileName(full);
            switch (kind)
            {
                case FileKind.Missing:
                    throw KeelException.NotFound($"'{path}' does not exist.");
                case FileKind.SymbolicLink:
                    throw KeelException.InvalidParameter($"'{path}' is a symbolic link; add the file or folder it points to.");
                case FileKind.Special:
                    throw NotRegular(path);
                case FileKind.Regular when name.EndsWith(DataPointer.Extension, StringComparison.Ordinal):
                    throw KeelException.InvalidParameter($"'{path}' is a pointer file; add the data it names instead.");
            }
            if (name.Contains('\n', StringComparison.Ordinal) || name.Contains('\r', StringComparison.Ordinal))
            {
                throw KeelException.InvalidParameter($"'{path}' has a line break in its name, which a pointer file and .gitignore cannot hold.");
            }
            var files = WorkingTree.List(repository, full, kind);
            foreach (var file in files)
            {
                if (file.Status.Kind == FileKind.Special)
                {
                    throw NotRegular(file.RepositoryPath);
                }
                if (!DataPaths.IsSafeRelative(file.ManifestPath))
                {
                    throw KeelException.InvalidParameter($"'{file.RepositoryPath}' cannot be tracked: data paths cannot contain '\\' or ':'.");
                }
            }
            targets.Add(new AddTarget(full, repository.Relative(full), kind == FileKind.Directory, files));
        }
        return targets;
    }

    private static KeelException NotRegular(string path) =>
        KeelException.InvalidParameter($"'{path}' is not a regular file (a FIFO, socket or device); Keel tracks regular files only.");
}
