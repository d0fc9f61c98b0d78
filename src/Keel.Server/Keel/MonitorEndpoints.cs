using Keel.Contracts.KeelApi;
using Keel.Core.Monitoring;
using Keel.Core.Monitoring.Monitors;
using Keel.Monitoring.Runner;
using Keel.Monitoring.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Keel.Server.KeelApi;

/// <summary>
/// <c>/api/keel/v1/monitors</c> and <c>/api/keel/v1/alerts</c>: monitors of deployments' traffic, their results and
/// the alerts they fired; and <c>/metrics</c>, the latest results as Prometheus gauges. Errors go through the MLflow
/// error middleware: 400 for a broken rule, 404 for an unknown monitor.
/// </summary>
public static class MonitorEndpoints
{
    private const string ByName = MonitorRoutes.Monitors + "/{name}";

    /// <summary>
    /// Registers monitors, their runner, the scheduler (unless <see cref="KeelServerOptions.RunMonitorScheduler"/> is
    /// off), webhook delivery and the <c>/metrics</c> gauges (refreshed from the store at startup).
    /// </summary>
    public static IServiceCollection AddKeelMonitoring(this IServiceCollection services, KeelServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton<MonitorMetrics>();
        services.AddSingleton<IMonitorResultObserver>(sp => sp.GetRequiredService<MonitorMetrics>());
        services.AddHostedService<MonitorMetricsRefresher>();
        return services.AddKeelMonitors(new MonitoringOptions
        {
            RunScheduler = options.RunMonitorScheduler,
            Webhooks = new WebhookOptions { AllowPrivateTargets = options.AllowPrivateWebhooks },
        });
    }

    public static IEndpointRouteBuilder MapMonitorEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(KeelRoutes.ApiPrefix);
        group.MapPost(MonitorRoutes.Monitors, CreateAsync);
        group.MapGet(MonitorRoutes.Monitors, ListAsync);
        group.MapGet(ByName, GetAsync);
        group.MapPut(ByName, UpdateAsync);
        group.MapDelete(ByName, DeleteAsync);
        group.MapPost(ByName + "/run", RunAsync);
        group.MapGet(ByName + "/results", ResultsAsync);
        group.MapGet(ByName + "/latest", LatestAsync);
        group.MapGet(MonitorRoutes.Alerts, AlertsAsync);
        app.MapMetrics("/metrics", app.ServiceProvider.GetRequiredService<MonitorMetrics>().Registry);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, MonitorService monitors)
    {
        var spec = await MonitorRequests.ReadSpecAsync(http, null);
        var created = await monitors.CreateAsync(spec, http.RequestAborted);
        return Results.Json(created.ToDto(), MonitorJsonContext.Default.MonitorDto);
    }

    private static async Task<IResult> ListAsync(HttpContext http, MonitorService monitors)
    {
        var all = await monitors.ListAsync(MonitorRequests.Query(http, "deployment"), http.RequestAborted);
        return Results.Json(new ListMonitorsResponse { Monitors = all.Select(m => m.ToDto()).ToArray() }, MonitorJsonContext.Default.ListMonitorsResponse);
    }

    private static async Task<IResult> GetAsync(string name, HttpContext http, MonitorService monitors)
    {
        var monitor = await monitors.GetAsync(name, http.RequestAborted);
        return Results.Json(monitor.ToDto(), MonitorJsonContext.Default.MonitorDto);
    }

    private static async Task<IResult> UpdateAsync(string name, HttpContext http, MonitorService monitors)
    {
        var spec = await MonitorRequests.ReadSpecAsync(http, name);
        var updated = await monitors.UpdateAsync(name, spec, http.RequestAborted);
        return Results.Json(updated.ToDto(), MonitorJsonContext.Default.MonitorDto);
    }

    private static async Task<IResult> DeleteAsync(string name, HttpContext http, MonitorService monitors, IEnumerable<IMonitorResultObserver> observers)
    {
        await monitors.DeleteAsync(name, http.RequestAborted);
        foreach (var observer in observers)
        {
            observer.OnDeleted(name);
        }
        return Results.Json(new DeleteMonitorResponse(), MonitorJsonContext.Default.DeleteMonitorResponse);
    }

    private static async Task<IResult> RunAsync(string name, HttpContext http, MonitorService monitors, MonitorRunner runner)
    {
        var at = await MonitorRequests.ReadRunAtAsync(http);
        var monitor = await monitors.GetAsync(name, http.RequestAborted);
        var result = await runner.RunAsync(monitor.Spec, at, http.RequestAborted);
        return Results.Json(result.ToDto(), MonitorJsonContext.Default.MonitorResultDto);
    }

    private static async Task<IResult> ResultsAsync(string name, HttpContext http, MonitorService monitors)
    {
        var results = await monitors.ListResultsAsync(
            name, MonitorRequests.QueryTime(http, "since"), MonitorRequests.QueryTime(http, "until"), http.RequestAborted);
        return Results.Json(new ListMonitorResultsResponse { Results = results.Select(r => r.ToDto()).ToArray() },
            MonitorJsonContext.Default.ListMonitorResultsResponse);
    }

    private static async Task<IResult> LatestAsync(string name, HttpContext http, MonitorService monitors)
    {
        var latest = await monitors.GetLatestResultAsync(name, http.RequestAborted);
        return Results.Json(new LatestMonitorResultResponse { Result = latest?.ToDto() }, MonitorJsonContext.Default.LatestMonitorResultResponse);
    }

    private static async Task<IResult> AlertsAsync(HttpContext http, MonitorService monitors)
    {
        var alerts = await monitors.ListAlertEventsAsync(
            MonitorRequests.Query(http, "monitor"), MonitorRequests.Query(http, "deployment"), MonitorRequests.QueryTime(http, "since"),
            MonitorRequests.QueryInt(http, "max_results"), http.RequestAborted);
        return Results.Json(new ListAlertEventsResponse { Alerts = alerts.Select(a => a.ToDto()).ToArray() },
            MonitorJsonContext.Default.ListAlertEventsResponse);
    }
}
