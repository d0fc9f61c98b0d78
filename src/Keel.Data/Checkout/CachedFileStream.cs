using Keel.Core.Common;
using Keel.Core.Data.Manifests;
using Keel.Data.Cache;

namespace Keel.Data.Checkout;

/// <summary>
/// A read-only, seekable view of one manifest file's content, assembled from its chunks in the local cache. Each chunk
/// is verified against its hash when loaded; a missing or corrupt chunk throws a <see cref="KeelException"/> naming the
/// file (<paramref name="displayPath"/>) and the chunk, so a bad byte is reported, never returned. Holds one chunk in memory.
/// </summary>
public sealed class CachedFileStream(LocalObjectCache cache, ManifestFile file, string displayPath) : Stream
{
    private readonly long[] _offsets = Offsets(file);
    private int _loadedIndex = -1;
    private byte[] _loaded = [];
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => file.Size;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty || _position >= file.Size)
        {
            return 0;
        }
        // Offsets are ascending chunk starts; the chunk holding the position is the last start at or before it.
        var index = Array.BinarySearch(_offsets, _position);
        if (index < 0)
        {
            index = ~index - 1;
        }
        var chunk = Load(index);
        var within = (int)(_position - _offsets[index]);
        var count = Math.Min(buffer.Length, chunk.Length - within);
        chunk.AsSpan(within, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        SeekOrigin.End => file.Size + offset,
        _ => throw new ArgumentOutOfRangeException(nameof(origin)),
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private byte[] Load(int index)
    {
        if (index == _loadedIndex)
        {
            return _loaded;
        }
        var chunk = file.Chunks[index];
        byte[] bytes;
        try
        {
            bytes = cache.ReadVerified(chunk.Hash);
        }
        catch (CorruptObjectException e) when (string.Equals(e.Hash, chunk.Hash, StringComparison.Ordinal))
        {
            throw new KeelException(ErrorCode.InvalidState,
                $"Cannot read '{displayPath}': its chunk {chunk.Hash} is corrupt in the local cache ({cache.PathOf(chunk.Hash)}); delete that file and run 'keel data pull'.", e);
        }
        catch (CorruptObjectException e)
        {
            throw new KeelException(ErrorCode.InvalidState,
                $"Cannot read '{displayPath}': its chunk {chunk.Hash} is corrupt in the local cache: it is stored as a delta of object {e.Hash}, which is damaged ({cache.PathOf(e.Hash)}); delete both {cache.PathOf(e.Hash)} and {cache.PathOf(chunk.Hash)}, then run 'keel data pull'.", e);
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            throw KeelException.NotFound($"Cannot read '{displayPath}': its chunk {chunk.Hash} is not in the local cache; run 'keel data pull' to fetch it.");
        }
        if (bytes.Length != chunk.Size)
        {
            throw new KeelException(ErrorCode.InvalidState,
                $"Cannot read '{displayPath}': its manifest gives chunk {chunk.Hash} {chunk.Size} bytes but the chunk has {bytes.Length}.");
        }
        _loadedIndex = index;
        _loaded = bytes;
        return bytes;
    }

    private static long[] Offsets(ManifestFile file)
    {
        var offsets = new long[file.Chunks.Count];
        long start = 0;
        for (var i = 0; i < offsets.Length; i++)
        {
            offsets[i] = start;
            start += file.Chunks[i].Size;
        }
        return offsets;
    }
}
