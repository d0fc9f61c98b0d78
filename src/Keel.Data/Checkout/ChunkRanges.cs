using System.Security.Cryptography;
using Keel.Core.Data.Manifests;

namespace Keel.Data.Checkout;

/// <summary>
/// Whether a file on disk holds exactly a manifest entry's content, found by hashing the byte range of each chunk in
/// turn. Needs no chunker (the boundaries come from the manifest) and stops at the first chunk that differs.
/// </summary>
internal static class ChunkRanges
{
    private const int BufferSize = 1 << 16;

    public static bool Match(string path, long size, IReadOnlyList<ChunkRef> chunks, CancellationToken ct)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan);
        if (file.Length != size)
        {
            return false;
        }
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[BufferSize];
        Span<byte> digest = stackalloc byte[32];
        Span<byte> expected = stackalloc byte[32];
        foreach (var chunk in chunks)
        {
            ct.ThrowIfCancellationRequested();
            for (var left = chunk.Size; left > 0;)
            {
                var read = file.Read(buffer, 0, (int)Math.Min(left, buffer.Length));
                if (read == 0)
                {
                    return false;
                }
                sha.AppendData(buffer, 0, read);
                left -= read;
            }
            sha.GetHashAndReset(digest);
            Convert.FromHexString(chunk.Hash, expected, out _, out _);
            if (!digest.SequenceEqual(expected))
            {
                return false;
            }
        }
        return true;
    }
}
