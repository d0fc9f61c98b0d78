using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Keel.Monitoring.Reports;

/// <summary>How the HTML report writes text, numbers and times: every string that came from a user goes through <see cref="Encode"/>.</summary>
internal static class HtmlText
{
    // Letters of every script stay readable; markup characters and quotes are always encoded.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static string Encode(string? text) => Encoder.Encode(text ?? string.Empty);

    public static string Number(double? value) => value switch
    {
        null => "–",
        { } v when double.IsNaN(v) => "NaN",
        { } v => v.ToString("G4", CultureInfo.InvariantCulture),
    };

    public static string Integer(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Share(double value) => value.ToString("P0", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The machine-readable form for a <c>&lt;time datetime&gt;</c> attribute.</summary>
    public static string IsoTime(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string TimeElement(DateTimeOffset at) => $"<time datetime=\"{IsoTime(at)}\">{Time(at)}</time>";
}
