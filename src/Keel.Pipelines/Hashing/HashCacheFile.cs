using System.Globalization;
using System.Text;
using Keel.Data.Snapshots;

namespace Keel.Pipelines.Hashing;

/// <summary>One file's stamp when it was last hashed, and its SHA-256 then.</summary>
internal sealed record HashCacheEntry(PathStamp Stamp, string Hash);

/// <summary>
/// The hash cache's text: a <c>keel-hash-cache 1</c> line, then per file (ordinal order) its path, size, last-write and
/// change ticks, inode and SHA-256, tab-separated. Paths never hold tabs or newlines in practice; a line that does not
/// parse makes the whole file read as empty (it only saves work).
/// </summary>
internal static class HashCacheFile
{
    private const string Header = "keel-hash-cache 1";

    public static string Write(IEnumerable<KeyValuePair<string, HashCacheEntry>> entries)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var (path, entry) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (path.Contains('\t', StringComparison.Ordinal) || path.Contains('\n', StringComparison.Ordinal))
            {
                continue;
            }
            var s = entry.Stamp;
            text.Append(CultureInfo.InvariantCulture, $"{path}\t{s.Size}\t{s.LastWriteTicks}\t{s.ChangeTicks}\t{s.Inode}\t{entry.Hash}\n");
        }
        return text.ToString();
    }

    public static Dictionary<string, HashCacheEntry> Read(string text)
    {
        var entries = new Dictionary<string, HashCacheEntry>(StringComparer.Ordinal);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0 || lines[0] != Header)
        {
            return entries;
        }
        foreach (var line in lines.AsSpan(1))
        {
            var parts = line.Split('\t');
            if (parts.Length != 6
                || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out var size)
                || !long.TryParse(parts[2], CultureInfo.InvariantCulture, out var written)
                || !long.TryParse(parts[3], CultureInfo.InvariantCulture, out var changed)
                || !ulong.TryParse(parts[4], CultureInfo.InvariantCulture, out var inode)
                || parts[5].Length != 64)
            {
                return new Dictionary<string, HashCacheEntry>(StringComparer.Ordinal);
            }
            entries[parts[0]] = new HashCacheEntry(new PathStamp(PathKind.File, size, written, changed, inode), parts[5]);
        }
        return entries;
    }
}
