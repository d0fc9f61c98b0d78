using System.Globalization;

namespace Keel.Web.Pages.Datasets;

/// <summary>How the data pages print sizes, counts and statistics (invariant culture).</summary>
public static class DataFormat
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    /// <summary>Bytes in binary units: <c>512 B</c>, <c>1.5 KiB</c>, <c>3.2 GiB</c>.</summary>
    public static string Bytes(long bytes)
    {
        double value = bytes;
        var unit = 0;
        while (Math.Abs(value) >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.#} {Units[unit]}");
    }

    /// <summary>A count with thousands separators: <c>12,345</c>.</summary>
    public static string Count(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A statistic with up to 6 significant digits, or an em dash when absent.</summary>
    public static string Stat(double? value) => value is { } v ? v.ToString("G6", CultureInfo.InvariantCulture) : "—";

    /// <summary>A change with its sign (<c>+3</c>, <c>-0.25</c>), or an em dash when either side is absent.</summary>
    public static string Change(double? change) =>
        change is { } c ? (c > 0 ? "+" : "") + c.ToString("G6", CultureInfo.InvariantCulture) : "—";
}
