using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keel.Web.Pages.Datasets;

/// <summary>One named series of a chart; null values are gaps.</summary>
public sealed record ChartSeries(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("values")] IReadOnlyList<double?> Values);

/// <summary>
/// Chart data as JSON for <c>data-*</c> attributes (Razor encodes them; the page scripts parse them), so the charts need
/// no inline script under the CSP. Used by the dataset profile and the monitoring pages.
/// </summary>
public static class ChartData
{
    /// <summary>The series as JSON; infinities and NaN become gaps (JSON has no such numbers).</summary>
    public static string Series(IEnumerable<ChartSeries> series) =>
        JsonSerializer.Serialize(
            series.Select(s => s with { Values = s.Values.Select(v => v is { } x && double.IsFinite(x) ? v : null).ToArray() }).ToArray(),
            ChartJsonContext.Default.ChartSeriesArray);

    /// <summary>Numbers (e.g. an x axis) as a JSON array; non-finite values are not expected here and become 0.</summary>
    public static string Numbers(IEnumerable<double> values) =>
        JsonSerializer.Serialize(values.Select(v => double.IsFinite(v) ? v : 0).ToArray(), ChartJsonContext.Default.DoubleArray);

    /// <summary>A bin's label: <c>[0.5, 1.25)</c>, the last bin closed, numbers with up to 4 significant digits.</summary>
    public static string BinLabel(double lower, double upper, bool last) =>
        string.Create(CultureInfo.InvariantCulture, $"[{lower:G4}, {upper:G4}{(last ? "]" : ")")}");
}

[JsonSerializable(typeof(ChartSeries[]))]
[JsonSerializable(typeof(double[]))]
internal sealed partial class ChartJsonContext : JsonSerializerContext;
