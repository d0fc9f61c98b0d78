using System.Globalization;

namespace Keel.Cli.Output;

/// <summary>How values read in tables: invariant culture, local time, short durations, binary byte units.</summary>
internal static class Format
{
    public static string Number(double value) => value switch
    {
        double.NaN => "NaN",
        double.PositiveInfinity => "Infinity",
        double.NegativeInfinity => "-Infinity",
        _ => value.ToString("G6", CultureInfo.InvariantCulture),
    };

    public static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Timestamp(long? epochMilliseconds, TimeProvider time, bool withSeconds = true)
    {
        if (epochMilliseconds is not { } ms)
        {
            return "";
        }

        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(ms), time.LocalTimeZone);
        return local.ToString(withSeconds ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    }

    /// <summary>End minus start; for a run still going, now minus start.</summary>
    public static string RunDuration(long? startMs, long? endMs, TimeProvider time)
    {
        if (startMs is not { } start)
        {
            return "";
        }

        var end = endMs ?? time.GetUtcNow().ToUnixTimeMilliseconds();
        return Duration(TimeSpan.FromMilliseconds(Math.Max(0, end - start)));
    }

    public static string Duration(TimeSpan span) => span switch
    {
        { TotalSeconds: < 60 } => span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s",
        { TotalMinutes: < 60 } => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes}m {span.Seconds:00}s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h {span.Minutes:00}m"),
    };

    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {units[unit]}");
    }
}
