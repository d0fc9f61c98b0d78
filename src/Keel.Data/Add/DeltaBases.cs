using Keel.Core.Data.Manifests;

namespace Keel.Data.Add;

/// <summary>
/// Picks, for each new chunk of a re-added file, the chunk of the file's previous version most likely to resemble it:
/// the one that held the same bytes of the file. Offsets are aligned on the last chunk both versions share, so rows
/// inserted or removed earlier in the file do not throw every later pick off. Fed every chunk of the new version in order.
/// </summary>
internal sealed class DeltaBases
{
    private readonly IReadOnlyList<ChunkRef> _chunks;
    private readonly long[] _starts;
    private readonly long _size;
    private readonly Dictionary<string, long> _startOf = new(StringComparer.Ordinal);

    // Previous offset minus new offset of the same bytes, as last seen on a shared chunk.
    private long _shift;

    private DeltaBases(ManifestFile previous)
    {
        _chunks = previous.Chunks;
        _starts = new long[_chunks.Count];
        long start = 0;
        for (var i = 0; i < _chunks.Count; i++)
        {
            _starts[i] = start;
            _startOf.TryAdd(_chunks[i].Hash, start);
            start += _chunks[i].Size;
        }
        _size = start;
    }

    /// <summary>Null when there is no previous version with content to delta against.</summary>
    public static DeltaBases? For(ManifestFile? previous) => previous is { Chunks.Count: > 0 } ? new DeltaBases(previous) : null;

    /// <summary>The base for the chunk <paramref name="hash"/> at <paramref name="offset"/>, or null (a shared chunk needs none).</summary>
    public string? Next(string hash, long offset, long length)
    {
        if (_startOf.TryGetValue(hash, out var previousStart))
        {
            _shift = previousStart - offset;
            return null;
        }
        var start = offset + _shift;
        if (start >= _size || start + length <= 0)
        {
            return null;
        }
        start = Math.Max(0, start);
        var index = Array.BinarySearch(_starts, start);
        index = index >= 0 ? index : ~index - 1;
        // The chunk holding the start, or the next one if it covers more of the new chunk's span.
        if (index + 1 < _chunks.Count && Overlap(index + 1, start, length) > Overlap(index, start, length))
        {
            index++;
        }
        return _chunks[index].Hash;
    }

    private long Overlap(int index, long start, long length) =>
        Math.Min(_starts[index] + _chunks[index].Size, start + length) - Math.Max(_starts[index], start);
}
