using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keel.Monitoring.Reports;

/// <summary>
/// Writes a <see cref="MonitorReport"/> as JSON: snake_case names, times in ISO-8601, nulls kept so every field is
/// always present, and non-finite numbers as the strings <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>.
/// </summary>
public static class JsonReportWriter
{
    /// <summary>The report as indented JSON text.</summary>
    public static string Write(MonitorReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return JsonSerializer.Serialize(report, MonitorReportJsonContext.Default.MonitorReport);
    }

    /// <summary>Writes the report to <paramref name="destination"/> as UTF-8 JSON.</summary>
    public static Task WriteAsync(MonitorReport report, Stream destination, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        return JsonSerializer.SerializeAsync(destination, report, MonitorReportJsonContext.Default.MonitorReport, ct);
    }

    /// <summary>Reads a report written by <see cref="Write"/>.</summary>
    public static MonitorReport Read(string json) =>
        JsonSerializer.Deserialize(json, MonitorReportJsonContext.Default.MonitorReport)
        ?? throw new JsonException("the JSON holds null instead of a monitor report");
}

/// <summary>The source-generated serializer of <see cref="MonitorReport"/>.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(MonitorReport))]
internal sealed partial class MonitorReportJsonContext : JsonSerializerContext;
