using System.Security.Cryptography;
using Keel.Core.Common;
using Keel.Core.Data.Manifests;
using Keel.Data.StatCache;

namespace Keel.Data.Status;

/// <summary>
/// Checks a file against a manifest entry by hashing it along the entry's own chunk boundaries. This needs no chunker
/// settings — the manifest may come from anyone — and reads in small blocks, so memory stays bounded.
/// </summary>
internal static class ChunkListMatcher
{
    private const int BlockSize = 1 << 16;

    public static bool Matches(WorkingFile file, ManifestFile expected, Action<long> bytesRead)
    {
        if (file.Status.Kind != FileKind.Regular || file.Status.Stamp.Size != expected.Size)
        {
            return false;
        }
        var block = new byte[BlockSize];
        Span<byte> digest = stackalloc byte[32];
        Span<byte> wanted = stackalloc byte[32];
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            using var stream = new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.SequentialScan);
            foreach (var chunk in expected.Chunks)
            {
                for (var left = chunk.Size; left > 0;)
                {
                    var read = stream.Read(block, 0, (int)Math.Min(left, BlockSize));
                    if (read == 0)
                    {
                        return false;
                    }
                    sha.AppendData(block, 0, read);
                    bytesRead(read);
                    left -= read;
                }
                sha.GetHashAndReset(digest);
                Convert.FromHexString(chunk.Hash, wanted, out _, out _);
                if (!digest.SequenceEqual(wanted))
                {
                    return false;
                }
            }
            return stream.Read(block, 0, 1) == 0;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw KeelException.InvalidParameter($"Cannot read '{file.RepositoryPath}': {e.Message}");
        }
    }
}
