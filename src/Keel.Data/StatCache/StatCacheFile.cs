using System.Security.Cryptography;
using System.Text;
using Keel.Core.Data;
using Keel.Core.Data.Manifests;

namespace Keel.Data.StatCache;

/// <summary>One file's stamp when it was last hashed, and the chunks it had then.</summary>
internal sealed record StatEntry(FileStamp Stamp, IReadOnlyList<ChunkRef> Chunks);

/// <summary>
/// The stat cache's bytes: <c>KEELSTAT</c>, a format version, the entry count, then per entry its path (relative to
/// the repository root), size, last-write and change ticks, inode and chunks (raw 32-byte hash and length), and
/// finally a SHA-256 of everything before it. Anything that does not check out reads as no entries at all.
/// </summary>
internal static class StatCacheFile
{
    public const int FormatVersion = 1;

    private static readonly byte[] Magic = "KEELSTAT"u8.ToArray();
    private const int HashBytes = 32;

    public static byte[] Write(IEnumerable<KeyValuePair<string, StatEntry>> entries)
    {
        var ordered = entries.OrderBy(e => e.Key, StringComparer.Ordinal).ToArray();
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(ordered.Length);
            Span<byte> hash = stackalloc byte[HashBytes];
            foreach (var (path, entry) in ordered)
            {
                writer.Write(path);
                writer.Write(entry.Stamp.Size);
                writer.Write(entry.Stamp.LastWriteTicks);
                writer.Write(entry.Stamp.ChangeTicks);
                writer.Write(entry.Stamp.Inode);
                writer.Write(entry.Chunks.Count);
                foreach (var chunk in entry.Chunks)
                {
                    Convert.FromHexString(chunk.Hash, hash, out _, out _);
                    writer.Write(hash);
                    writer.Write(chunk.Size);
                }
            }
        }
        var content = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        buffer.Write(SHA256.HashData(content));
        return buffer.ToArray();
    }

    /// <summary>The entries in <paramref name="bytes"/>, or null when they are corrupt, truncated or another version.</summary>
    public static Dictionary<string, StatEntry>? TryRead(byte[] bytes)
    {
        if (bytes.Length < Magic.Length + 8 + HashBytes
            || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic)
            || !SHA256.HashData(bytes.AsSpan(0, bytes.Length - HashBytes)).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - HashBytes)))
        {
            return null;
        }
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - HashBytes), Encoding.UTF8);
            reader.ReadBytes(Magic.Length);
            if (reader.ReadInt32() != FormatVersion)
            {
                return null;
            }
            var count = reader.ReadInt32();
            var entries = new Dictionary<string, StatEntry>(Math.Clamp(count, 0, bytes.Length / 16), StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                var path = reader.ReadString();
                var stamp = new FileStamp(reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadUInt64());
                var chunks = new ChunkRef[reader.ReadInt32()];
                long sum = 0;
                for (var c = 0; c < chunks.Length; c++)
                {
                    chunks[c] = new ChunkRef(Convert.ToHexStringLower(reader.ReadBytes(HashBytes)), reader.ReadInt64());
                    sum += chunks[c].Size;
                }
                // The checksum catches damage; these catch a writer bug, so a wrong entry is never trusted.
                if (!DataPaths.IsSafeRelative(path) || sum != stamp.Size || chunks.Any(c => c.Size <= 0 || !ContentHash.IsValid(c.Hash))
                    || !entries.TryAdd(path, new StatEntry(stamp, chunks)))
                {
                    return null;
                }
            }
            return reader.BaseStream.Position == reader.BaseStream.Length ? entries : null;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or OverflowException or ArgumentException)
        {
            return null;
        }
    }
}
