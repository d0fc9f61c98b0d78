using System.Text.Json;
using System.Text.Json.Serialization;
using Keel.Core.Common;

namespace Keel.Core.Data.Manifests;

/// <summary>One content-defined chunk of a file: its <see cref="ContentHash"/> and length in bytes.</summary>
public sealed record ChunkRef(string Hash, long Size);

/// <summary>
/// One file of a tracked tree: its path relative to the tracked root ('/'-separated, never escaping it, see
/// <see cref="DataPaths"/>), its size and its chunks in order. An empty file has no chunks.
/// </summary>
public sealed record ManifestFile(string Path, long Size, IReadOnlyList<ChunkRef> Chunks);

/// <summary>
/// The content of a tracked file or directory: its files ordered by path (ordinal). A tracked single file is a
/// manifest with <see cref="IsDirectory"/> false and one file whose path is its file name. The manifest's own address
/// is the <see cref="ContentHash"/> of its canonical JSON (<see cref="ToCanonicalJson"/>), so equal trees have equal
/// hashes whoever wrote them.
/// </summary>
public sealed class DataManifest
{
    public const int FormatVersion = 1;

    public DataManifest(bool isDirectory, IEnumerable<ManifestFile> files)
    {
        IsDirectory = isDirectory;
        Files = files.OrderBy(f => f.Path, StringComparer.Ordinal).ToArray();
        for (var i = 0; i < Files.Count; i++)
        {
            DataPaths.RequireRelative(Files[i].Path, $"files[{i}].path");
            if (i > 0 && string.Equals(Files[i - 1].Path, Files[i].Path, StringComparison.Ordinal))
            {
                throw KeelException.InvalidParameter($"Manifest lists '{Files[i].Path}' twice.");
            }
            long sum = 0;
            foreach (var chunk in Files[i].Chunks)
            {
                ContentHash.Require(chunk.Hash, $"files[{i}].chunks.hash");
                if (chunk.Size <= 0)
                {
                    throw KeelException.InvalidParameter($"Manifest chunk of '{Files[i].Path}' has size {chunk.Size}; sizes are positive.");
                }
                sum += chunk.Size;
            }
            if (sum != Files[i].Size)
            {
                throw KeelException.InvalidParameter(
                    $"Manifest entry '{Files[i].Path}' says {Files[i].Size} bytes but its chunks add up to {sum}.");
            }
        }
        if (!isDirectory && Files.Count != 1)
        {
            throw KeelException.InvalidParameter($"A single-file manifest lists {Files.Count} files; expected exactly 1.");
        }
    }

    public bool IsDirectory { get; }

    public IReadOnlyList<ManifestFile> Files { get; }

    public long TotalSize => Files.Sum(f => f.Size);

    public int FileCount => Files.Count;

    /// <summary>Every distinct chunk hash the manifest references.</summary>
    public IEnumerable<string> ChunkHashes() => Files.SelectMany(f => f.Chunks).Select(c => c.Hash).Distinct(StringComparer.Ordinal);

    /// <summary>Compact UTF-8 JSON with a fixed key order: the bytes the manifest's hash is taken of.</summary>
    public byte[] ToCanonicalJson()
    {
        var wire = new ManifestJson
        {
            Version = FormatVersion,
            Kind = IsDirectory ? "directory" : "file",
            Files = Files.Select(f => new ManifestFileJson
            {
                Path = f.Path,
                Size = f.Size,
                Chunks = f.Chunks.Select(c => new ChunkJson { Hash = c.Hash, Size = c.Size }).ToArray(),
            }).ToArray(),
        };
        return JsonSerializer.SerializeToUtf8Bytes(wire, ManifestJsonContext.Default.ManifestJson);
    }

    public string ComputeHash() => ContentHash.Of(ToCanonicalJson());

    /// <summary>Reads a manifest; anything malformed (or a path escaping the root) throws INVALID_PARAMETER_VALUE.</summary>
    public static DataManifest Parse(ReadOnlySpan<byte> json)
    {
        ManifestJson? wire;
        try
        {
            wire = JsonSerializer.Deserialize(json, ManifestJsonContext.Default.ManifestJson);
        }
        catch (JsonException e)
        {
            throw KeelException.InvalidParameter($"Malformed data manifest: {e.Message}");
        }
        if (wire is null || wire.Version != FormatVersion || wire.Files is null || wire.Kind is not ("file" or "directory"))
        {
            throw KeelException.InvalidParameter($"Malformed data manifest: expected version {FormatVersion}, a kind and a file list.");
        }
        return new DataManifest(wire.Kind == "directory", wire.Files.Select(f => new ManifestFile(
            f.Path ?? throw KeelException.InvalidParameter("Malformed data manifest: a file has no path."),
            f.Size,
            (f.Chunks ?? []).Select(c => new ChunkRef(c.Hash ?? "", c.Size)).ToArray())));
    }
}

internal sealed class ManifestJson
{
    [JsonPropertyName("version")] public int Version { get; set; }
    [JsonPropertyName("kind")] public string? Kind { get; set; }
    [JsonPropertyName("files")] public ManifestFileJson[]? Files { get; set; }
}

internal sealed class ManifestFileJson
{
    [JsonPropertyName("path")] public string? Path { get; set; }
    [JsonPropertyName("size")] public long Size { get; set; }
    [JsonPropertyName("chunks")] public ChunkJson[]? Chunks { get; set; }
}

// Short keys: a manifest of a large tree lists millions of chunks.
internal sealed class ChunkJson
{
    [JsonPropertyName("h")] public string? Hash { get; set; }
    [JsonPropertyName("n")] public long Size { get; set; }
}

[JsonSerializable(typeof(ManifestJson))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
