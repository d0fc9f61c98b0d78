using System.Globalization;
using System.Text.Json;

namespace Keel.Web.Components;

/// <summary>How the UI prints times, durations and numbers: invariant culture, UTC, compact.</summary>
public static class Format
{
    /// <summary>Unix milliseconds as <c>2025-01-31 14:05:09</c> (UTC).</summary>
    public static string Timestamp(long unixMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Unix milliseconds in ISO 8601, for <c>&lt;time datetime&gt;</c>.</summary>
    public static string IsoTimestamp(long unixMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>A duration as <c>850ms</c>, <c>12.3s</c>, <c>4m 05s</c> or <c>2h 03m</c>.</summary>
    public static string Duration(long milliseconds)
    {
        if (milliseconds < 0)
        {
            return "";
        }
        var span = TimeSpan.FromMilliseconds(milliseconds);
        return span.TotalSeconds switch
        {
            < 1 => string.Create(CultureInfo.InvariantCulture, $"{milliseconds}ms"),
            < 60 => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.0}s"),
            < 3600 => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes}m {span.Seconds:00}s"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h {span.Minutes:00}m"),
        };
    }

    /// <summary>A metric value with up to 6 significant digits.</summary>
    public static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>Strings as a JSON array, for a data- attribute a script parses (Razor encodes the attribute).</summary>
    public static string JsonArray(IEnumerable<string> values) =>
        JsonSerializer.Serialize(values.ToArray(), FormatJsonContext.Default.StringArray);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class FormatJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
