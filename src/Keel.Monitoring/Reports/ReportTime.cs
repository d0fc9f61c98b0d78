using System.Globalization;
using System.Text.RegularExpressions;

namespace Keel.Monitoring.Reports;

/// <summary>
/// The times a report range accepts, on the server and the command line alike: ISO-8601 (<c>2025-03-01</c>,
/// <c>2025-03-01T12:00:00Z</c>; no offset means UTC), milliseconds since the Unix epoch, <c>now</c>, or a time before
/// now such as <c>-30m</c>, <c>-24h</c>, <c>-7d</c>, <c>-2w</c> (s, m, h, d, w).
/// </summary>
public static partial class ReportTime
{
    /// <summary>The accepted forms, for error messages.</summary>
    public const string Forms = "an ISO-8601 time (e.g. 2025-03-01T12:00:00Z), milliseconds since the epoch, 'now', or a relative time like -24h or -7d";

    /// <summary>Parses <paramref name="text"/>; relative forms count back from <paramref name="now"/>. False when it is none of the forms.</summary>
    public static bool TryParse(string? text, DateTimeOffset now, out DateTimeOffset at)
    {
        at = default;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        if (text.Equals("now", StringComparison.OrdinalIgnoreCase))
        {
            at = now;
            return true;
        }
        if (Relative().Match(text) is { Success: true } relative)
        {
            return TryGoBack(now, long.Parse(relative.Groups[1].ValueSpan, CultureInfo.InvariantCulture), relative.Groups[2].Value[0], out at);
        }
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            if (ms > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
            {
                return false;
            }
            at = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            return true;
        }
        // Only year-first forms: "03/04/2025" means different days in different countries.
        return IsoStart().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);
    }

    private static bool TryGoBack(DateTimeOffset now, long amount, char unit, out DateTimeOffset at)
    {
        var seconds = unit switch
        {
            's' => 1L,
            'm' => 60L,
            'h' => 3600L,
            'd' => 86400L,
            _ => 7 * 86400L,
        };
        // Ten thousand years back is as far as DateTimeOffset goes; beyond that is a typo, not a range.
        if (amount > 315_537_897_600L / seconds)
        {
            at = default;
            return false;
        }
        try
        {
            at = now.AddSeconds(-amount * (double)seconds);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            at = default;
            return false;
        }
    }

    [GeneratedRegex(@"^-(\d{1,12})([smhdw])$")]
    private static partial Regex Relative();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}")]
    private static partial Regex IsoStart();
}
