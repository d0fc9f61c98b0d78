using Keel.Contracts.KeelApi;
using Keel.Core.Common;
using Keel.Core.Monitoring.Monitors;
using Keel.Monitoring.Reports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Keel.Server.KeelApi;

/// <summary>
/// <c>GET /api/keel/v1/deployments/{name}/monitor-report?since=&amp;until=&amp;monitor=&amp;format=html|json</c>: a monitoring
/// report over the monitors' stored results, as one self-contained HTML page (default) or as JSON. The range defaults
/// to the last 7 days; times take the forms of <see cref="ReportTime"/>. Bad parameters answer 400 naming the parameter.
/// </summary>
public static class MonitorReportEndpoints
{
    /// <summary>The route under <see cref="KeelRoutes.ApiPrefix"/>.</summary>
    public const string Route = KeelRoutes.Deployments + "/{name}/monitor-report";

    /// <summary>The range a report covers when <c>since</c> is not given: this long before <c>until</c>.</summary>
    public static readonly TimeSpan DefaultRange = TimeSpan.FromDays(7);

    // Alerts past this many in one range are summarised by the drift plots anyway.
    private const int MaxAlerts = 1000;

    public static IEndpointRouteBuilder MapMonitorReportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup(KeelRoutes.ApiPrefix).MapGet(Route, GetAsync);
        return app;
    }

    private static async Task<IResult> GetAsync(string name, HttpContext http, IMonitorStore store, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var format = Query(http, "format") ?? "html";
        if (format is not ("html" or "json"))
        {
            throw KeelException.InvalidParameter($"format must be 'html' or 'json', got '{format}'");
        }
        var until = Time(http, "until", now) ?? now;
        var since = Time(http, "since", now) ?? until - DefaultRange;
        if (since >= until)
        {
            throw KeelException.InvalidParameter($"since ({since:O}) must be before until ({until:O})");
        }
        var monitor = Query(http, "monitor");
        if (monitor is { Length: 0 })
        {
            throw KeelException.InvalidParameter("monitor must not be empty; leave it out for every monitor of the deployment");
        }

        var results = await store.ListResultsAsync(monitor, name, since, until, http.RequestAborted);
        var alerts = await store.ListAlertEventsAsync(monitor, name, since, MaxAlerts, http.RequestAborted);
        var report = MonitorReportBuilder.Build(new MonitorReportQuery(name, monitor, since, until), results, alerts, now);

        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = HtmlReportWriter.ContentSecurityPolicy + "; frame-ancestors 'self'";
        headers.CacheControl = "no-store";
        var disposition = new ContentDispositionHeaderValue("inline");
        disposition.SetHttpFileName($"monitor-report-{name}.{format}");
        headers.ContentDisposition = disposition.ToString();
        return format == "json"
            ? Results.Text(JsonReportWriter.Write(report), "application/json; charset=utf-8")
            : Results.Text(HtmlReportWriter.Write(report), "text/html; charset=utf-8");
    }

    private static string? Query(HttpContext http, string key) =>
        http.Request.Query.TryGetValue(key, out var values) && values.Count > 0 ? values[^1] : null;

    private static DateTimeOffset? Time(HttpContext http, string key, DateTimeOffset now)
    {
        var text = Query(http, key);
        if (text is null)
        {
            return null;
        }
        return ReportTime.TryParse(text, now, out var at)
            ? at
            : throw KeelException.InvalidParameter($"{key} must be {ReportTime.Forms}, got '{text}'");
    }
}
