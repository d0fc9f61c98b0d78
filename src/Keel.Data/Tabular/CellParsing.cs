using System.Globalization;
using System.Text.RegularExpressions;

namespace Keel.Data.Tabular;

/// <summary>
/// How CSV text is read as a typed value: invariant culture, integers as 64-bit, booleans true/false in any case,
/// timestamps only in ISO 8601 form (a date, optionally a time with seconds, fraction and a Z or ±hh:mm offset;
/// without an offset, UTC), so "03/04/2020" stays text rather than guessing day or month.
/// </summary>
internal static partial class CellParsing
{
    public static bool TryWhole(string text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    public static bool TryReal(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    public static bool TryFlag(string text, out bool value)
    {
        if (text.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            value = true;
            return true;
        }
        value = false;
        return text.Equals("false", StringComparison.OrdinalIgnoreCase);
    }

    public static bool TryTimestamp(string text, out DateTimeOffset value)
    {
        value = default;
        return IsoTimestamp().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoTimestamp();
}
