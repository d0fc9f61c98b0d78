using System.Globalization;
using System.Text;
using Keel.Core.Common;
using Keel.Core.Models.Packages;

namespace Keel.Core.Data;

/// <summary>
/// The small file committed to git next to tracked data (<c>train.csv.keel</c> beside <c>train.csv</c>):
/// <code>
/// keel_data: 1
/// path: train.csv
/// kind: file
/// manifest: 3f1c…(64 hex)
/// size: 1048576
/// files: 1
/// dataset: breast-cancer
/// </code>
/// <c>path</c> is the tracked file or folder's name, relative to the pointer's folder; <c>dataset</c> is optional.
/// Unknown keys, a wrong hash, a negative size or a path that leaves the pointer's folder are refused with one line.
/// </summary>
public sealed record DataPointer(string Path, bool IsDirectory, string Manifest, long Size, long Files, string? Dataset = null)
{
    public const string Extension = ".keel";
    public const int FormatVersion = 1;

    private static readonly string[] Keys = ["keel_data", "path", "kind", "manifest", "size", "files", "dataset"];

    /// <summary>The pointer file's name for a tracked file or folder: its name plus <see cref="Extension"/>.</summary>
    public static string PointerFileName(string trackedName) => trackedName + Extension;

    public string ToYaml()
    {
        var text = new StringBuilder()
            .AppendLine("# Keel data pointer: commit this file; the data it names is listed in .gitignore.")
            .AppendLine("# Restore the data with 'keel data pull' (or 'keel data checkout' from the local cache).")
            .Append(CultureInfo.InvariantCulture, $"keel_data: {FormatVersion}\n")
            .Append(CultureInfo.InvariantCulture, $"path: {Quote(Path)}\n")
            .Append(CultureInfo.InvariantCulture, $"kind: {(IsDirectory ? "directory" : "file")}\n")
            .Append(CultureInfo.InvariantCulture, $"manifest: {Quote(Manifest)}\n")
            .Append(CultureInfo.InvariantCulture, $"size: {Size}\n")
            .Append(CultureInfo.InvariantCulture, $"files: {Files}\n");
        if (Dataset is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"dataset: {Quote(Dataset)}\n");
        }
        return text.ToString();
    }

    /// <summary>Parses a pointer file's text; <paramref name="what"/> names it in errors (e.g. its path).</summary>
    public static DataPointer Parse(string yaml, string what)
    {
        var root = YamlTree.Load(yaml, what) as IReadOnlyDictionary<string, object?>
            ?? throw KeelException.InvalidParameter($"{what} is not a Keel pointer file: expected a YAML mapping with keel_data, path, manifest, size and files.");
        foreach (var key in root.Keys)
        {
            if (!Keys.Contains(key, StringComparer.Ordinal))
            {
                throw KeelException.InvalidParameter($"{what}: unknown key '{key}'; a pointer file has {string.Join(", ", Keys)}.");
            }
        }
        var version = Number(root, "keel_data", what);
        if (version != FormatVersion)
        {
            throw KeelException.InvalidParameter($"{what}: keel_data is {version}; this Keel reads version {FormatVersion}.");
        }
        var path = Text(root, "path", what);
        if (!DataPaths.IsSafeRelative(path) || path.Contains('/'))
        {
            throw KeelException.InvalidParameter($"{what}: path '{path}' must be a plain file or folder name next to the pointer file.");
        }
        var kind = Text(root, "kind", what);
        if (kind is not ("file" or "directory"))
        {
            throw KeelException.InvalidParameter($"{what}: kind '{kind}' must be 'file' or 'directory'.");
        }
        var manifest = Text(root, "manifest", what);
        if (!ContentHash.IsValid(manifest))
        {
            throw KeelException.InvalidParameter($"{what}: manifest '{manifest}' is not a SHA-256 hash of 64 lowercase hex digits (truncated or edited?).");
        }
        var size = Number(root, "size", what);
        var files = Number(root, "files", what);
        if (size < 0 || files < 0 || (kind == "file" && files != 1))
        {
            throw KeelException.InvalidParameter($"{what}: size {size} and files {files} are not possible for a {kind}.");
        }
        var dataset = root.TryGetValue("dataset", out var d) && d is not null ? Text(root, "dataset", what) : null;
        return new DataPointer(path, kind == "directory", manifest, size, files, dataset);
    }

    // YAML reads plain numbers (keel_data, size, files) as long; every field is compared as text.
    private static string Text(IReadOnlyDictionary<string, object?> root, string key, string what) =>
        root.TryGetValue(key, out var value) && value switch { string s => s, long n => n.ToString(CultureInfo.InvariantCulture), _ => null } is { Length: > 0 } text
            ? text
            : throw KeelException.InvalidParameter($"{what}: '{key}' is missing or empty (truncated or edited?).");

    private static long Number(IReadOnlyDictionary<string, object?> root, string key, string what) =>
        long.TryParse(Text(root, key, what), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw KeelException.InvalidParameter($"{what}: '{key}' must be a whole number, not '{root[key]}'.");

    // Single-quoted YAML scalars take any text; a quote inside is doubled.
    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
