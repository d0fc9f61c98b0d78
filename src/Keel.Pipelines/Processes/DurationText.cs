using System.Globalization;
using System.Text;

namespace Keel.Pipelines.Processes;

/// <summary>Durations written the way keel.yaml takes them: <c>500ms</c>, <c>30s</c>, <c>10m</c>, <c>1h30m</c>, <c>1.2s</c>.</summary>
public static class DurationText
{
    /// <summary>Whole hours/minutes/seconds as <c>1h30m</c>; below a minute with a fraction as <c>1.2s</c>; below a second as <c>250ms</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration < TimeSpan.FromSeconds(1))
        {
            return $"{(long)duration.TotalMilliseconds}ms";
        }
        if (duration < TimeSpan.FromMinutes(1) && duration.Milliseconds != 0)
        {
            return duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";
        }
        var text = new StringBuilder();
        var hours = (long)duration.TotalHours;
        if (hours > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{hours}h");
        }
        if (duration.Minutes > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{duration.Minutes}m");
        }
        if (duration.Seconds > 0 || text.Length == 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{duration.Seconds}s");
        }
        return text.ToString();
    }
}
