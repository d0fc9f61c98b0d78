using Keel.Core.Common;

namespace Keel.Core.Data;

/// <summary>
/// Paths inside a tracked tree, as manifests and pointer files store them: relative, '/'-separated, no empty,
/// '.' or '..' segment, no backslash, drive, colon or NUL. Such a path can never escape the folder it is joined to.
/// </summary>
public static class DataPaths
{
    public static bool IsSafeRelative(string? path)
    {
        if (string.IsNullOrEmpty(path) || path[0] == '/' || path.Contains('\\') || path.Contains('\0') || path.Contains(':'))
        {
            return false;
        }
        foreach (var segment in path.Split('/'))
        {
            if (segment is "" or "." or "..")
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Throws INVALID_PARAMETER_VALUE naming <paramref name="field"/> unless the path is safe.</summary>
    public static string RequireRelative(string? path, string field) =>
        IsSafeRelative(path) ? path! : throw KeelException.InvalidParameter(
            $"Invalid path '{path}' in '{field}': data paths are relative, '/'-separated and never contain '..', '.', empty segments, '\\' or ':'.");

    /// <summary>
    /// Joins a safe relative path to <paramref name="root"/> and checks the result stays below it (a second guard
    /// against a bug elsewhere); throws INVALID_PARAMETER_VALUE otherwise.
    /// </summary>
    public static string Join(string root, string relative, string field = "path")
    {
        RequireRelative(relative, field);
        var fullRoot = Path.GetFullPath(root);
        var full = Path.GetFullPath(Path.Combine(fullRoot, relative.Replace('/', Path.DirectorySeparatorChar)));
        var prefix = fullRoot.EndsWith(Path.DirectorySeparatorChar) ? fullRoot : fullRoot + Path.DirectorySeparatorChar;
        return full.StartsWith(prefix, StringComparison.Ordinal)
            ? full
            : throw KeelException.InvalidParameter($"Invalid path '{relative}' in '{field}': it leaves '{root}'.");
    }
}
