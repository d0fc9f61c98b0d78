namespace Keel.Core.Pipelines;

/// <summary>
/// Paths in a pipeline: relative to the pipeline folder, '/'-separated, normalised (no '.', no trailing '/'), never
/// escaping the folder; "." is the folder itself.
/// </summary>
internal static class PipelinePaths
{
    /// <summary>The normalised path, or null with <paramref name="error"/> saying why it is refused.</summary>
    public static string? Normalize(string path, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(path))
        {
            error = "path is empty";
            return null;
        }
        if (path.StartsWith('/') || path.StartsWith('~') || (path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':'))
        {
            error = $"'{path}' is absolute; paths are relative to the pipeline folder";
            return null;
        }
        if (path.Contains('\\', StringComparison.Ordinal))
        {
            error = $"'{path}' contains '\\'; separate folders with '/'";
            return null;
        }
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (parts.Count == 0)
                {
                    error = $"'{path}' escapes the pipeline folder";
                    return null;
                }
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return parts.Count == 0 ? "." : string.Join('/', parts);
    }

    /// <summary>True when <paramref name="inner"/> is <paramref name="outer"/> or lies inside it.</summary>
    public static bool IsWithin(string inner, string outer) =>
        outer == "." || inner == outer || (inner.Length > outer.Length && inner.StartsWith(outer, StringComparison.Ordinal) && inner[outer.Length] == '/');

    /// <summary>True when either path is, or lies inside, the other.</summary>
    public static bool Overlap(string a, string b) => IsWithin(a, b) || IsWithin(b, a);
}
