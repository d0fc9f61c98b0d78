using System.Formats.Tar;
using System.IO.Compression;

namespace Keel.Workers.Stages;

/// <summary>
/// The gzip-compressed tar archives stage inputs and outputs travel in. Extraction accepts regular files and folders
/// only, and refuses any entry that would land outside the target folder (absolute paths, <c>..</c>, links).
/// </summary>
public static class TarGz
{
    /// <summary>Writes the files and folders at <paramref name="relativePaths"/> (below <paramref name="root"/>, '/'-separated) into <paramref name="destination"/>.</summary>
    public static async Task PackAsync(string root, IEnumerable<string> relativePaths, Stream destination, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(relativePaths);
        await using var gzip = new GZipStream(destination, CompressionLevel.Fastest, leaveOpen: true);
        await using var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var relative in relativePaths.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var full = Path.Combine(root, relative);
            if (File.Exists(full))
            {
                await tar.WriteEntryAsync(full, relative, ct);
                continue;
            }
            if (!Directory.Exists(full))
            {
                throw new FileNotFoundException($"'{relative}' does not exist", full);
            }
            await tar.WriteEntryAsync(full, relative.TrimEnd('/') + "/", ct);
            foreach (var file in Directory.EnumerateFileSystemEntries(full, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var name = Path.GetRelativePath(root, file).Replace('\\', '/');
                await tar.WriteEntryAsync(file, Directory.Exists(file) ? name + "/" : name, ct);
            }
        }
    }

    /// <summary>Extracts <paramref name="source"/> into <paramref name="root"/>, replacing files that exist.</summary>
    /// <exception cref="InvalidDataException">An entry is a link, a device, or would escape <paramref name="root"/>.</exception>
    public static async Task ExtractAsync(Stream source, string root, CancellationToken ct)
    {
        var fullRoot = Path.GetFullPath(root);
        await using var gzip = new GZipStream(source, CompressionMode.Decompress, leaveOpen: true);
        await using var tar = new TarReader(gzip, leaveOpen: true);
        while (await NextEntryAsync(tar, ct) is { } entry)
        {
            var target = Path.GetFullPath(Path.Combine(fullRoot, entry.Name));
            if (!target.StartsWith(fullRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal) && target != fullRoot)
            {
                throw new InvalidDataException($"archive entry '{entry.Name}' lies outside the folder it is extracted into");
            }
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(target);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    await entry.ExtractToFileAsync(target, overwrite: true, ct);
                    break;
                case TarEntryType.ExtendedAttributes or TarEntryType.GlobalExtendedAttributes:
                    break;
                default:
                    throw new InvalidDataException($"archive entry '{entry.Name}' is a {entry.EntryType}; only files and folders are accepted");
            }
        }
    }

    /// <summary>The next entry; an archive of nothing (no entries, not even the end marker) simply ends.</summary>
    private static async Task<TarEntry?> NextEntryAsync(TarReader tar, CancellationToken ct)
    {
        try
        {
            return await tar.GetNextEntryAsync(copyData: false, ct);
        }
        catch (EndOfStreamException)
        {
            return null;
        }
    }
}
