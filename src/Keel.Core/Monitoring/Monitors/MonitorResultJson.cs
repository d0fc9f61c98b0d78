using System.Text.Json;
using System.Text.Json.Serialization;
using Keel.Core.Common;
using Keel.Core.Monitoring.Alerts;
using Keel.Core.Monitoring.Statistics;

namespace Keel.Core.Monitoring.Monitors;

/// <summary>
/// Monitor specs, results and alert events as the JSON every store backend keeps (snake_case, enum values as
/// snake_case words, NaN written as "NaN"), so SQLite and PostgreSQL hold the same text.
/// </summary>
public static class MonitorResultJson
{
    public static string Write(MonitorRunResult result) => JsonSerializer.Serialize(result, MonitorJsonContext.Default.MonitorRunResult);

    public static MonitorRunResult ReadResult(string json) => Read(json, MonitorJsonContext.Default.MonitorRunResult, "monitor result");

    public static string Write(AlertEvent alert) => JsonSerializer.Serialize(alert, MonitorJsonContext.Default.AlertEvent);

    public static AlertEvent ReadAlert(string json) => Read(json, MonitorJsonContext.Default.AlertEvent, "alert event");

    public static string Write(MonitorSpec spec) => JsonSerializer.Serialize(spec, MonitorJsonContext.Default.MonitorSpec);

    public static MonitorSpec ReadSpec(string json) => Read(json, MonitorJsonContext.Default.MonitorSpec, "monitor spec");

    private static T Read<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string what)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type) ?? throw new KeelException(ErrorCode.InternalError, $"A stored {what} is empty.");
        }
        catch (JsonException e)
        {
            throw new KeelException(ErrorCode.InternalError, $"A stored {what} cannot be read: {e.Message}", e);
        }
    }
}

internal sealed class SnakeCaseEnum<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    where T : struct, Enum;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    Converters =
    [
        typeof(SnakeCaseEnum<DriftMethod>), typeof(SnakeCaseEnum<FeatureKind>), typeof(SnakeCaseEnum<TaskKind>),
        typeof(SnakeCaseEnum<AlertKind>), typeof(SnakeCaseEnum<MonitorReferenceKind>),
    ])]
[JsonSerializable(typeof(MonitorRunResult))]
[JsonSerializable(typeof(AlertEvent))]
[JsonSerializable(typeof(MonitorSpec))]
internal sealed partial class MonitorJsonContext : JsonSerializerContext;
