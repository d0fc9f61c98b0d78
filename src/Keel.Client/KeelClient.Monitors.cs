using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Keel.Contracts.KeelApi;

namespace Keel.Client;

// Monitors kept by a Keel tracking server (/api/keel/v1/monitors): drift of a deployment's traffic against a
// reference, quality on labelled predictions, serving health and alerts. An MLflow server answers ENDPOINT_NOT_FOUND.
public sealed partial class KeelClient
{
    /// <summary>
    /// Creates a monitor. The server checks the rules (names; a window from 1s to 366d; a valid 5-field cron schedule;
    /// per-feature methods and thresholds; a drift share in (0, 1]; alert rules; http(s) webhooks, public unless the
    /// server allows private ones) and computes its next scheduled run.
    /// </summary>
    /// <param name="spec">The monitor; only name and deployment are required.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>INVALID_PARAMETER_VALUE</c> naming the field and rule; <c>RESOURCE_ALREADY_EXISTS</c> for a taken name.</exception>
    public Task<MonitorDto> CreateMonitorAsync(MonitorSpecDto spec, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return SendMonitorAsync(HttpMethod.Post, MonitorRoutes.Monitors, Json(spec), MonitorJsonContext.Default.MonitorDto, ct);
    }

    /// <summary>Creates a monitor from the text of a monitor YAML file (see <see cref="CreateMonitorAsync"/> for the rules).</summary>
    /// <param name="yaml">The file's text.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>INVALID_PARAMETER_VALUE</c> naming the key (unknown keys are refused); <c>RESOURCE_ALREADY_EXISTS</c>.</exception>
    public Task<MonitorDto> CreateMonitorFromYamlAsync(string yaml, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        return SendMonitorAsync(HttpMethod.Post, MonitorRoutes.Monitors, Yaml(yaml), MonitorJsonContext.Default.MonitorDto, ct);
    }

    /// <summary>Replaces a monitor's spec; its results and alert events stay.</summary>
    /// <param name="name">The monitor (a spec naming another one is refused).</param>
    /// <param name="spec">The whole new spec.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> for an unknown monitor; otherwise as on create.</exception>
    public Task<MonitorDto> UpdateMonitorAsync(string name, MonitorSpecDto spec, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(spec);
        return SendMonitorAsync(HttpMethod.Put, MonitorRoute(name), Json(spec), MonitorJsonContext.Default.MonitorDto, ct);
    }

    /// <summary>Replaces a monitor's spec with a monitor YAML file's.</summary>
    /// <param name="name">The monitor.</param>
    /// <param name="yaml">The file's text; a <c>name</c> in it must be <paramref name="name"/>.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException">As <see cref="UpdateMonitorAsync"/>.</exception>
    public Task<MonitorDto> UpdateMonitorFromYamlAsync(string name, string yaml, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(yaml);
        return SendMonitorAsync(HttpMethod.Put, MonitorRoute(name), Yaml(yaml), MonitorJsonContext.Default.MonitorDto, ct);
    }

    /// <summary>A monitor with its spec and next scheduled run.</summary>
    /// <param name="name">The monitor.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> for an unknown monitor.</exception>
    public Task<MonitorDto> GetMonitorAsync(string name, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return GetKeelAsync(MonitorRoute(name), MonitorJsonContext.Default.MonitorDto, ct);
    }

    /// <summary>Monitors ordered by name; only those watching <paramref name="deployment"/> when given.</summary>
    /// <param name="deployment">A deployment's name [default: all].</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<IReadOnlyList<MonitorDto>> ListMonitorsAsync(string? deployment = null, CancellationToken ct = default)
    {
        var route = deployment is null ? MonitorRoutes.Monitors : $"{MonitorRoutes.Monitors}?deployment={Uri.EscapeDataString(deployment)}";
        return (await GetKeelAsync(route, MonitorJsonContext.Default.ListMonitorsResponse, ct).ConfigureAwait(false)).Monitors;
    }

    /// <summary>Deletes a monitor with its results and alert events (not restorable).</summary>
    /// <param name="name">The monitor.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> for an unknown monitor.</exception>
    public async Task DeleteMonitorAsync(string name, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var uri = KeelUri(MonitorRoute(name));
        using var response = await _transport.SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, uri), HttpCompletionOption.ResponseContentRead, ct)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a monitor now over the window ending at <paramref name="at"/> and stores the result (with the alerts it
    /// fired, which are also sent to its webhooks). An empty window or a missing reference gives a result whose
    /// <see cref="MonitorResultDto.Problem"/> says why.
    /// </summary>
    /// <param name="name">The monitor.</param>
    /// <param name="at">The end of the window [default: the server's now].</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> for an unknown monitor.</exception>
    public Task<MonitorResultDto> RunMonitorAsync(string name, DateTimeOffset? at = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var body = JsonSerializer.SerializeToUtf8Bytes(new RunMonitorRequest { At = at }, MonitorJsonContext.Default.RunMonitorRequest);
        return SendMonitorAsync(HttpMethod.Post, MonitorRoute(name) + "/run", () => JsonContent(body), MonitorJsonContext.Default.MonitorResultDto, ct);
    }

    /// <summary>A monitor's results with run times in [<paramref name="since"/>, <paramref name="until"/>), oldest first.</summary>
    /// <param name="name">The monitor.</param>
    /// <param name="since">Earliest run time [default: all].</param>
    /// <param name="until">Run times before this [default: all].</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> for an unknown monitor.</exception>
    public async Task<IReadOnlyList<MonitorResultDto>> GetMonitorResultsAsync(
        string name, DateTimeOffset? since = null, DateTimeOffset? until = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var route = MonitorRoute(name) + "/results" + Query(("since", Time(since)), ("until", Time(until)));
        return (await GetKeelAsync(route, MonitorJsonContext.Default.ListMonitorResultsResponse, ct).ConfigureAwait(false)).Results;
    }

    /// <summary>A monitor's newest result, or null before its first run.</summary>
    /// <param name="name">The monitor.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> for an unknown monitor.</exception>
    public async Task<MonitorResultDto?> GetLatestMonitorResultAsync(string name, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return (await GetKeelAsync(MonitorRoute(name) + "/latest", MonitorJsonContext.Default.LatestMonitorResultResponse, ct).ConfigureAwait(false)).Result;
    }

    /// <summary>Alert events fired by monitors, newest first.</summary>
    /// <param name="monitor">Only this monitor's [default: all].</param>
    /// <param name="deployment">Only those of monitors watching this deployment [default: all].</param>
    /// <param name="since">Fired at or after [default: all].</param>
    /// <param name="maxResults">At most this many, 1 to 1000 [default: 100].</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<IReadOnlyList<AlertEventDto>> ListAlertEventsAsync(
        string? monitor = null, string? deployment = null, DateTimeOffset? since = null, int? maxResults = null, CancellationToken ct = default)
    {
        var route = MonitorRoutes.Alerts + Query(("monitor", monitor), ("deployment", deployment), ("since", Time(since)),
            ("max_results", maxResults?.ToString(CultureInfo.InvariantCulture)));
        return (await GetKeelAsync(route, MonitorJsonContext.Default.ListAlertEventsResponse, ct).ConfigureAwait(false)).Alerts;
    }

    private static string MonitorRoute(string name) => MonitorRoutes.Monitors + "/" + Uri.EscapeDataString(name);

    private static string? Time(DateTimeOffset? time) => time?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static string Query(params (string Name, string? Value)[] values)
    {
        var given = values.Where(v => v.Value is not null).Select(v => $"{v.Name}={Uri.EscapeDataString(v.Value!)}").ToList();
        return given.Count == 0 ? "" : "?" + string.Join('&', given);
    }

    private static Func<HttpContent> Json(MonitorSpecDto spec)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(spec, MonitorJsonContext.Default.MonitorSpecDto);
        return () => JsonContent(body);
    }

    private static ByteArrayContent JsonContent(byte[] body) => new(body) { Headers = { ContentType = new("application/json") } };

    private static Func<HttpContent> Yaml(string yaml)
    {
        var body = Encoding.UTF8.GetBytes(yaml);
        return () => new ByteArrayContent(body) { Headers = { ContentType = new(MonitorRoutes.YamlMediaType) } };
    }

    private async Task<T> SendMonitorAsync<T>(HttpMethod method, string route, Func<HttpContent> content, JsonTypeInfo<T> responseInfo, CancellationToken ct)
    {
        var uri = KeelUri(route);
        using var response = await _transport.SendAsync(() => new HttpRequestMessage(method, uri) { Content = content() },
            HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync(responseInfo, ct).ConfigureAwait(false)
            ?? throw new JsonException($"The tracking server answered {uri} with an empty body.");
    }
}
