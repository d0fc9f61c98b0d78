using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Data.Cache;

namespace Keel.Data.Repository;

/// <summary>A pointer file found in the working tree: where it is, what it says, and the file or folder it tracks.</summary>
/// <param name="PointerPath">Full path of the <c>.keel</c> file.</param>
/// <param name="Spec">The pointer file's parsed content.</param>
/// <param name="TrackedPath">Full path of the tracked file or folder (beside the pointer).</param>
/// <param name="RelativePath">The tracked path relative to the repository root, '/'-separated (for messages).</param>
public sealed record TrackedData(string PointerPath, DataPointer Spec, string TrackedPath, string RelativePath);

/// <summary>
/// A working tree whose data Keel versions: the first folder at or above the working directory holding <c>.keel</c>
/// or <c>.git</c> (else the working directory itself). Its cache lives in <c>&lt;root&gt;/.keel/cache</c>.
/// Paths given by the user must lie inside the root; the <c>.keel</c> and <c>.git</c> folders are never tracked.
/// </summary>
public sealed class DataRepository
{
    public const string KeelFolder = ".keel";

    private DataRepository(string root)
    {
        Root = root;
        Cache = new LocalObjectCache(Path.Combine(root, KeelFolder, "cache"));
    }

    public string Root { get; }

    public LocalObjectCache Cache { get; }

    public static DataRepository Discover(string workingDirectory)
    {
        var start = Path.GetFullPath(workingDirectory);
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            if (Directory.Exists(Path.Combine(folder.FullName, KeelFolder)) || Path.Exists(Path.Combine(folder.FullName, ".git")))
            {
                return new DataRepository(folder.FullName);
            }
        }
        return new DataRepository(start);
    }

    /// <summary>Opens (creating <c>.keel/cache</c> if needed) the repository rooted exactly at <paramref name="root"/>.</summary>
    public static DataRepository Open(string root) => new(Path.GetFullPath(root));

    /// <summary>
    /// The full path of a user-given path (relative to <paramref name="workingDirectory"/>), refused with
    /// INVALID_PARAMETER_VALUE when it lies outside the root or inside <c>.keel</c> or <c>.git</c>.
    /// </summary>
    public string ResolveInside(string path, string workingDirectory)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path, workingDirectory));
        var relative = Path.GetRelativePath(Root, full);
        if (relative == "." || relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            throw KeelException.InvalidParameter($"'{path}' is outside the data repository at {Root}; track data inside it.");
        }
        var first = relative.Split(Path.DirectorySeparatorChar)[0];
        if (first is KeelFolder or ".git")
        {
            throw KeelException.InvalidParameter($"'{path}' is inside {first}; Keel never tracks its own or git's folder.");
        }
        return full;
    }

    /// <summary>The path relative to the root, '/'-separated.</summary>
    public string Relative(string fullPath) => Path.GetRelativePath(Root, fullPath).Replace(Path.DirectorySeparatorChar, '/');

    /// <summary>Reads the pointer file at <paramref name="pointerPath"/>; a malformed one throws INVALID_PARAMETER_VALUE naming it.</summary>
    public TrackedData ReadPointer(string pointerPath)
    {
        var full = Path.GetFullPath(pointerPath);
        string text;
        try
        {
            text = File.ReadAllText(full);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw KeelException.NotFound($"Pointer file '{Relative(full)}' does not exist.");
        }
        var pointer = DataPointer.Parse(text, $"pointer file '{Relative(full)}'");
        var tracked = Path.Combine(Path.GetDirectoryName(full)!, pointer.Path);
        var expected = DataPointer.PointerFileName(pointer.Path);
        if (!string.Equals(Path.GetFileName(full), expected, StringComparison.Ordinal))
        {
            throw KeelException.InvalidParameter($"pointer file '{Relative(full)}' names '{pointer.Path}'; it should be called '{expected}'.");
        }
        return new TrackedData(full, pointer, tracked, Relative(tracked));
    }

    /// <summary>
    /// The tracked data named by <paramref name="targets"/> (each a pointer file, or the data a pointer sits beside, or
    /// a folder to search below), or every pointer under the root when none are given; ordered by path.
    /// </summary>
    public IReadOnlyList<TrackedData> FindTracked(IReadOnlyCollection<string> targets, string workingDirectory)
    {
        var pointers = new SortedSet<string>(StringComparer.Ordinal);
        if (targets.Count == 0)
        {
            AddPointersBelow(Root, pointers);
        }
        foreach (var target in targets)
        {
            var full = Path.GetFullPath(target, workingDirectory);
            if (full.EndsWith(DataPointer.Extension, StringComparison.Ordinal) && File.Exists(full))
            {
                pointers.Add(full);
            }
            else if (File.Exists(full + DataPointer.Extension))
            {
                pointers.Add(full + DataPointer.Extension);
            }
            else if (Directory.Exists(full))
            {
                AddPointersBelow(ResolveInside(target, workingDirectory), pointers);
            }
            else
            {
                throw KeelException.NotFound($"'{target}' is neither tracked data, a pointer file nor a folder.");
            }
        }
        return pointers.Select(ReadPointer).ToArray();
    }

    private static void AddPointersBelow(string folder, SortedSet<string> pointers)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var file in Directory.EnumerateFiles(folder, "*" + DataPointer.Extension, options))
        {
            var parts = Path.GetRelativePath(folder, file).Split(Path.DirectorySeparatorChar);
            if (!parts.Contains(KeelFolder) && !parts.Contains(".git"))
            {
                pointers.Add(file);
            }
        }
    }
}
