using System.Globalization;
using Keel.Client;
using Keel.Core.Data;
using Keel.Core.Data.Manifests;
using Keel.Data.Cache;
using Keel.Data.Checkout;
using Keel.Data.Remote;
using Keel.Data.Repository;
using Keel.Data.Tabular;

namespace Keel.Cli.Commands;

// --data: a local file or folder, or a registered dataset version fetched (verified) into a scratch cache.
internal static partial class ModelsValidateCommand
{
    /// <summary>The tables to score on, and how the report names them (<c>name@version</c> or the path given).</summary>
    private sealed record ValidationInput(IReadOnlyList<string> Files, string Description);

    private static async Task<ValidationInput> FetchDataAsync(KeelClient client, string data, CliHost host, string scratch, CancellationToken ct)
    {
        var local = Path.GetFullPath(data, host.WorkingDirectory);
        if (File.Exists(local))
        {
            return TabularFormats.IsTabular(local) ? new ValidationInput([local], data)
                : throw new CliException($"--data '{data}': expected a .csv or .parquet file", ExitCodes.Usage);
        }
        if (Directory.Exists(local))
        {
            var files = Directory.EnumerateFiles(local, "*", SearchOption.AllDirectories).Where(TabularFormats.IsTabular).Order(StringComparer.Ordinal).ToList();
            return files.Count > 0 ? new ValidationInput(files, data) : throw new CliException($"--data '{data}': the folder holds no .csv or .parquet file");
        }
        var at = data.LastIndexOf('@');
        if (at <= 0 || !long.TryParse(data.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
        {
            throw new CliException($"--data '{data}': no such file or folder, and not a dataset version <name>@<version>", ExitCodes.Usage);
        }
        var name = data[..at];
        var found = await client.GetDatasetVersionAsync(name, version, ct);
        var cache = new LocalObjectCache(Path.Combine(scratch, "cache"));
        var pointer = new DataPointer(name, found.Kind == "directory", found.ManifestHash, found.Size, found.FileCount, name);
        var item = new TrackedData(Path.Combine(scratch, name + DataPointer.Extension), pointer, Path.Combine(scratch, name), data);
        await new DataTransfer(client, cache, host.Time).PullAsync([item], ct: ct);
        var manifest = DataManifest.Parse(cache.ReadVerified(found.ManifestHash));
        // A single file's manifest may not repeat its name; the pointer path it was pushed from has it.
        var fallbackName = found.Source is { } pushedFrom && pushedFrom.EndsWith(DataPointer.Extension, StringComparison.Ordinal) ? pushedFrom[..^DataPointer.Extension.Length] : "";
        var tables = manifest.Files
            .Select(f => (File: f, Name: TabularFormats.IsTabular(f.Path) ? f.Path : !manifest.IsDirectory ? fallbackName : f.Path))
            .Where(f => TabularFormats.IsTabular(f.Name))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
        if (tables.Count == 0)
        {
            throw new CliException($"dataset {data} holds no .csv or .parquet file to validate on");
        }
        var folder = Directory.CreateDirectory(Path.Combine(scratch, "data")).FullName;
        var paths = new List<string>();
        for (var i = 0; i < tables.Count; i++)
        {
            var path = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{i}-{Path.GetFileName(tables[i].Name)}"));
            await using (var source = new CachedFileStream(cache, tables[i].File, tables[i].Name))
            await using (var target = File.Create(path))
            {
                await source.CopyToAsync(target, ct);
            }
            paths.Add(path);
        }
        return new ValidationInput(paths, data);
    }
}
