using System.Globalization;
using Keel.Core.Common;

namespace Keel.Monitoring.PredictionLogs;

/// <summary>
/// A segment's name: its first and last timestamps (UTC, to the tick) and a unique suffix,
/// <c>20250102T0304051234567Z-20250102T0304157654321Z-&lt;suffix&gt;</c>, the suffix being 1 to 64 lowercase letters and
/// digits. The times let a window read skip a segment without opening it.
/// </summary>
/// <param name="First">The earliest timestamp of the segment's rows.</param>
/// <param name="Last">The latest.</param>
/// <param name="Suffix">Makes names unique (e.g. a replica's id and a counter).</param>
public sealed record PredictionSegmentName(DateTimeOffset First, DateTimeOffset Last, string Suffix)
{
    private const string TimeFormat = "yyyyMMdd'T'HHmmssfffffff'Z'";
    private const int TimeLength = 23;
    private const int MaxSuffixLength = 64;

    /// <summary>The longest span of one segment; a window read looks back this far for segments started earlier.</summary>
    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(1);

    /// <summary>The name as text (without the <c>.parquet</c> extension).</summary>
    public override string ToString() =>
        $"{First.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}-{Last.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}-{Suffix}";

    /// <summary>A name for rows from <paramref name="first"/> to <paramref name="last"/>.</summary>
    public static PredictionSegmentName Create(DateTimeOffset first, DateTimeOffset last, string suffix)
    {
        var name = new PredictionSegmentName(first.ToUniversalTime(), last.ToUniversalTime(), suffix);
        return Parse(name.ToString(), "segment");
    }

    /// <summary>Parses a name; a malformed one throws INVALID_PARAMETER_VALUE naming <paramref name="field"/> and the rule.</summary>
    public static PredictionSegmentName Parse(string? text, string field = "segment") =>
        TryParse(text) ?? throw KeelException.InvalidParameter(
            $"Invalid value '{Printable(text)}' for parameter '{field}': segment names are <first>-<last>-<suffix>, the times as " +
            "yyyyMMddTHHmmssfffffffZ (UTC, first <= last, at most one day apart) and the suffix 1 to 64 lowercase letters or digits.");

    /// <summary>The name <paramref name="text"/> spells, or null when it is not a segment name.</summary>
    public static PredictionSegmentName? TryParse(string? text)
    {
        if (text is null || text.Length < 2 * TimeLength + 3 || text[TimeLength] != '-' || text[2 * TimeLength + 1] != '-')
        {
            return null;
        }

        var suffix = text[(2 * TimeLength + 2)..];
        if (suffix.Length > MaxSuffixLength || !suffix.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c)))
        {
            return null;
        }

        if (!TryTime(text[..TimeLength], out var first) || !TryTime(text[(TimeLength + 1)..(2 * TimeLength + 1)], out var last)
            || last < first || last - first > MaxSpan)
        {
            return null;
        }
        return new PredictionSegmentName(first, last, suffix);
    }

    private static bool TryTime(string text, out DateTimeOffset time)
    {
        var ok = DateTime.TryParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal,
            out var parsed);
        time = ok ? new DateTimeOffset(DateTime.SpecifyKind(parsed, DateTimeKind.Utc)) : default;
        return ok;
    }

    private static string Printable(string? value) =>
        value is null ? "" : string.Concat(value.Take(200).Select(c => char.IsControl(c) ? "?" : c.ToString()));
}
