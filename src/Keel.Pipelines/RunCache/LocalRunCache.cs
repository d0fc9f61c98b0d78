using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Keel.Core.Data;
using Keel.Data.Snapshots;

namespace Keel.Pipelines.RunCache;

/// <summary>One out as the run cache keeps it: its content hash (as keel.lock records it) and the manifest of its saved copy.</summary>
internal sealed record CachedOut(
    [property: JsonPropertyName("hash")] string Hash,
    [property: JsonPropertyName("manifest")] string Manifest);

[JsonSerializable(typeof(SortedDictionary<string, CachedOut>))]
[JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class RunCacheJsonContext : JsonSerializerContext;

/// <summary>
/// The local run cache: for each stage input key (<see cref="Core.Pipelines.StageLock.InputKey"/>) the outs a successful
/// run produced, saved in <c>.keel/cache</c> as manifests (<see cref="TreeSnapshots"/>); one small JSON file per key
/// under <c>.keel/runcache/ab/abcdef….json</c>. An entry whose objects are gone (garbage-collected) counts as absent.
/// </summary>
internal sealed class LocalRunCache(string folder, TreeSnapshots snapshots)
{
    /// <summary>The outs recorded for <paramref name="inputKey"/> when every one can be restored; else null.</summary>
    public IReadOnlyDictionary<string, CachedOut>? Find(string inputKey)
    {
        var path = PathOf(inputKey);
        if (!File.Exists(path))
        {
            return null;
        }
        SortedDictionary<string, CachedOut>? outs;
        try
        {
            outs = JsonSerializer.Deserialize(File.ReadAllBytes(path), RunCacheJsonContext.Default.SortedDictionaryStringCachedOut);
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return null;
        }
        return outs is not null && outs.Values.All(o => snapshots.CanRestore(o.Manifest)) ? outs : null;
    }

    /// <summary>Saves each out (full path by out path) into the object cache and records them for the key; returns what was recorded.</summary>
    public IReadOnlyDictionary<string, CachedOut> Save(string inputKey, IReadOnlyDictionary<string, (string FullPath, string Hash)> outs, CancellationToken ct)
    {
        var entry = new SortedDictionary<string, CachedOut>(StringComparer.Ordinal);
        foreach (var (path, (fullPath, hash)) in outs)
        {
            entry[path] = new CachedOut(hash, snapshots.Save(fullPath, ct));
        }
        var file = PathOf(inputKey);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var temporary = file + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(entry, RunCacheJsonContext.Default.SortedDictionaryStringCachedOut));
        File.Move(temporary, file, overwrite: true);
        return entry;
    }

    /// <summary>Puts every out of <paramref name="entry"/> back at its path under <paramref name="root"/>.</summary>
    public void Restore(IReadOnlyDictionary<string, CachedOut> entry, string root, CancellationToken ct)
    {
        foreach (var (path, cached) in entry)
        {
            snapshots.Restore(cached.Manifest, Path.Combine(root, path), ct);
        }
    }

    private string PathOf(string inputKey)
    {
        ContentHash.Require(inputKey, "input key");
        return Path.Combine(folder, inputKey[..2], inputKey + ".json");
    }
}
