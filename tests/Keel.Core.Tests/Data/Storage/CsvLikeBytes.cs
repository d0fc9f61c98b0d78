using System.Globalization;
using System.Text;

namespace Keel.Core.Tests.Data.Storage;

/// <summary>Seeded CSV-like rows (compressible, every row distinct) and small scattered edits of them.</summary>
internal static class CsvLikeBytes
{
    public static byte[] Rows(int bytes, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder(bytes + 64);
        for (var row = 0; text.Length < bytes; row++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{row},{random.Next(18, 90)},{random.Next(0, 200_000) / 1.7:0.00},{(char)('A' + random.Next(6))}\n");
        }
        return Encoding.ASCII.GetBytes(text.ToString(0, bytes));
    }

    /// <summary>A copy with <paramref name="edits"/> edits at seeded places, each replacing, inserting or deleting a few bytes.</summary>
    public static byte[] Edit(byte[] content, int edits, int seed)
    {
        var random = new Random(seed);
        var result = new List<byte>(content);
        for (var i = 0; i < edits; i++)
        {
            var at = random.Next(result.Count - 8);
            var replacement = Encoding.ASCII.GetBytes(random.Next(100_000).ToString(CultureInfo.InvariantCulture));
            result.RemoveRange(at, random.Next(0, 6));
            result.InsertRange(at, replacement);
        }
        return [.. result];
    }
}
