using System.Globalization;
using System.Text;

namespace Keel.Data.Tests.Support;

/// <summary>Seeded CSV-like tables (compressible, every row distinct) and versions of them with a few rows edited at random places.</summary>
internal static class EditedCsv
{
    public static byte[] Table(int bytes, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder(bytes + 64);
        for (var row = 0; text.Length < bytes; row++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{row},{random.Next(18, 90)},{random.Next(0, 200_000) / 1.7:0.00},{(char)('A' + random.Next(6))}\n");
        }
        return Encoding.ASCII.GetBytes(text.ToString(0, bytes));
    }

    /// <summary>A copy with <paramref name="edits"/> rows' middles rewritten (lengths change by a few bytes).</summary>
    public static byte[] Edit(byte[] table, int edits, int seed)
    {
        var random = new Random(seed);
        var result = new List<byte>(table);
        for (var i = 0; i < edits; i++)
        {
            var at = random.Next(result.Count - 8);
            result.RemoveRange(at, random.Next(0, 6));
            result.InsertRange(at, Encoding.ASCII.GetBytes(random.Next(100_000).ToString(CultureInfo.InvariantCulture)));
        }
        return [.. result];
    }
}
