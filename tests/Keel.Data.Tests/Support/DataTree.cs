using System.Text;
using Keel.Core.Data;

namespace Keel.Data.Tests.Support;

/// <summary>Writes and reads small test trees: a fixed mix of awkward cases, and a snapshot of every file's bytes.</summary>
internal static class DataTree
{
    /// <summary>
    /// A folder with an empty file, nested folders, unicode names and a file of several chunks (about 4.5 chunks of
    /// <see cref="FixedChunkTracker.ChunkSize"/>, pseudo-random so chunks differ).
    /// </summary>
    public static void WriteSample(string folder)
    {
        Write(folder, "empty.txt", []);
        Write(folder, "a/b/c/deep.csv", Encoding.UTF8.GetBytes("x,y\n1,2\n"));
        Write(folder, "données/été 2024.json", Encoding.UTF8.GetBytes("{\"ok\":true}"));
        Write(folder, "日本語/ファイル.txt", Encoding.UTF8.GetBytes("こんにちは"));
        Write(folder, "big.bin", Random(FixedChunkTracker.ChunkSize * 9 / 2, seed: 7));
    }

    public static byte[] Random(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static void Write(string folder, string relative, byte[] bytes)
    {
        var full = DataPaths.Join(folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
    }

    /// <summary>Every file below <paramref name="folder"/>, '/'-separated relative path to content hash.</summary>
    public static SortedDictionary<string, string> Snapshot(string folder)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            files[Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/')] = ContentHash.Of(File.ReadAllBytes(file));
        }
        return files;
    }

    /// <summary>Flips one bit of a cached object in place, as disk rot would.</summary>
    public static void FlipByte(string objectPath, int offset = 0)
    {
        var bytes = File.ReadAllBytes(objectPath);
        bytes[offset] ^= 0x01;
        File.WriteAllBytes(objectPath, bytes);
    }
}
