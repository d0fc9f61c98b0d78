using System.Globalization;
using System.Text;
using Keel.Core.Common;

namespace Keel.Core.Monitoring.Monitors;

/// <summary>
/// Durations as monitors write them: one or more <c>&lt;whole number&gt;&lt;unit&gt;</c> parts with units
/// <c>w</c>, <c>d</c>, <c>h</c>, <c>m</c>, <c>s</c> (e.g. <c>90s</c>, <c>15m</c>, <c>1h30m</c>, <c>7d</c>).
/// A bare number is refused: <c>60</c> could mean seconds or minutes.
/// </summary>
public static class MonitorDuration
{
    private static readonly (char Unit, TimeSpan Length)[] Units =
    [
        ('w', TimeSpan.FromDays(7)), ('d', TimeSpan.FromDays(1)), ('h', TimeSpan.FromHours(1)), ('m', TimeSpan.FromMinutes(1)), ('s', TimeSpan.FromSeconds(1)),
    ];

    /// <summary>Parses <paramref name="text"/>; malformed text throws INVALID_PARAMETER_VALUE naming <paramref name="field"/>.</summary>
    public static TimeSpan Parse(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw KeelException.InvalidParameter($"Missing value for required parameter '{field}'.");
        }
        var total = TimeSpan.Zero;
        var i = 0;
        var value = text.Trim();
        while (i < value.Length)
        {
            var start = i;
            while (i < value.Length && char.IsAsciiDigit(value[i]))
            {
                i++;
            }
            if (i == start || i == value.Length || !long.TryParse(value.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                throw Invalid(text, field);
            }
            var unit = Array.FindIndex(Units, u => u.Unit == char.ToLowerInvariant(value[i]));
            if (unit < 0 || count > 100_000)
            {
                throw Invalid(text, field);
            }
            total += Units[unit].Length * count;
            i++;
        }
        return total;
    }

    /// <summary>Writes <paramref name="duration"/> in the form <see cref="Parse"/> reads, largest units first (<c>1h30m</c>).</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return "0s";
        }
        var text = new StringBuilder();
        var rest = TimeSpan.FromSeconds(Math.Floor(duration.TotalSeconds));
        foreach (var (unit, length) in Units.Skip(1))
        {
            var count = (long)(rest.Ticks / length.Ticks);
            if (count > 0)
            {
                text.Append(count.ToString(CultureInfo.InvariantCulture)).Append(unit);
                rest -= length * count;
            }
        }
        return text.Length == 0 ? "0s" : text.ToString();
    }

    private static KeelException Invalid(string text, string field) =>
        KeelException.InvalidParameter(
            $"Invalid value '{text}' for parameter '{field}': expected a duration such as 30s, 15m, 1h, 1h30m or 7d (whole numbers with a unit w, d, h, m or s).");
}
