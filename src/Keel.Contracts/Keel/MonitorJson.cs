using System.Text.Json;
using System.Text.Json.Serialization;
using Keel.Contracts.Mlflow;

namespace Keel.Contracts.KeelApi;

/// <summary>
/// JSON of the monitor and alert API: the settings of <see cref="KeelJsonContext"/> (snake_case, nulls written,
/// NaN as "NaN"), in a context of its own.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    AllowTrailingCommas = false,
    ReadCommentHandling = JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(MonitorSpecDto))]
[JsonSerializable(typeof(MonitorDto))]
[JsonSerializable(typeof(ListMonitorsResponse))]
[JsonSerializable(typeof(RunMonitorRequest))]
[JsonSerializable(typeof(MonitorResultDto))]
[JsonSerializable(typeof(ListMonitorResultsResponse))]
[JsonSerializable(typeof(LatestMonitorResultResponse))]
[JsonSerializable(typeof(ListAlertEventsResponse))]
[JsonSerializable(typeof(DeleteMonitorResponse))]
[JsonSerializable(typeof(ErrorResponse))]
public sealed partial class MonitorJsonContext : JsonSerializerContext;

/// <summary>Routes of the monitor and alert API under <see cref="KeelRoutes.ApiPrefix"/>.</summary>
public static class MonitorRoutes
{
    /// <summary>
    /// POST (create, JSON or <c>application/yaml</c>) and GET (list, <c>?deployment=</c>) here; GET, PUT and DELETE
    /// <c>monitors/{name}</c>; POST <c>monitors/{name}/run</c>; GET <c>monitors/{name}/results?since=&amp;until=</c> and
    /// <c>monitors/{name}/latest</c>.
    /// </summary>
    public const string Monitors = "monitors";

    /// <summary>GET with <c>?monitor=&amp;deployment=&amp;since=&amp;max_results=</c>: fired alert events, newest first.</summary>
    public const string Alerts = "alerts";

    /// <summary>The media type of a monitor YAML body.</summary>
    public const string YamlMediaType = "application/yaml";
}
