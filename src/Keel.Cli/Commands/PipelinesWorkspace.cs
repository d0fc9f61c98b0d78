using System.Formats.Tar;
using System.IO.Compression;
using Keel.Core.Pipelines;

namespace Keel.Cli.Commands;

/// <summary>
/// The pipeline folder as workers get it: a tar.gz of its files without <c>.git</c>, <c>.keel</c> and what stages write
/// (outs and metrics files, which workers fetch from upstream stages instead). Entries are sorted, so the same folder
/// gives the same archive.
/// </summary>
internal static class PipelinesWorkspace
{
    private static readonly string[] SkippedFolders = [".git", ".keel"];

    /// <summary>Writes the archive of <paramref name="folder"/> to a new temporary file and returns its path.</summary>
    public static async Task<string> PackAsync(string folder, PipelineSpec spec, CancellationToken ct)
    {
        var excluded = spec.Stages.SelectMany(s => s.Writes).Select(p => p.TrimEnd('/')).ToHashSet(StringComparer.Ordinal);
        var path = Path.Combine(Path.GetTempPath(), $"keel-workspace-{Guid.NewGuid():N}.tar.gz");
        await using var file = File.Create(path);
        await using var gzip = new GZipStream(file, CompressionLevel.Optimal);
        await using var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: false);
        foreach (var (full, relative) in Files(folder, excluded))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, relative) { ModificationTime = DateTimeOffset.UnixEpoch };
            await using var content = File.OpenRead(full);
            entry.DataStream = content;
            await tar.WriteEntryAsync(entry, ct);
        }
        return path;
    }

    private static IEnumerable<(string Full, string Relative)> Files(string root, HashSet<string> excluded)
    {
        var pending = new Stack<string>([root]);
        var found = new List<(string, string)>();
        while (pending.TryPop(out var directory))
        {
            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
            {
                var relative = Path.GetRelativePath(root, entry.FullName).Replace('\\', '/');
                if (excluded.Contains(relative) || entry.LinkTarget is not null)
                {
                    continue;
                }
                if (entry is DirectoryInfo)
                {
                    if (!SkippedFolders.Contains(relative, StringComparer.Ordinal))
                    {
                        pending.Push(entry.FullName);
                    }
                }
                else
                {
                    found.Add((entry.FullName, relative));
                }
            }
        }
        return found.OrderBy(f => f.Item2, StringComparer.Ordinal);
    }
}
