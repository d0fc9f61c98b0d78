using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Monitoring.Monitors;
using Keel.Web.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Web.Pages.Monitoring;

/// <summary>
/// The monitoring pages: <c>/monitoring</c> (every monitor's latest state) and <c>/monitoring/{monitor}?days=30</c>.
/// The monitor store is optional: a server without one shows an explanatory empty state.
/// </summary>
internal static class MonitoringPages
{
    public const int DefaultDays = 30;
    public const int MaxDays = 3650;
    public const int AlertDays = 7;

    /// <summary>The newest results drawn at most; a scheduler running every minute for a month makes far more.</summary>
    public const int MaxResultsShown = 1000;

    public static void MapMonitoringPages(this IEndpointRouteBuilder pages)
    {
        pages.MapGet("/monitoring", ListAsync);
        pages.MapGet("/monitoring/{monitor}", MonitorAsync);
    }

    private static async Task<IResult> ListAsync(IServiceProvider services, TimeProvider time, CancellationToken ct)
    {
        if (services.GetService<IMonitorStore>() is not { } store)
        {
            return UiResults.Page<MonitorsPage, MonitorsPageModel>(new MonitorsPageModel(false, [], AlertDays));
        }
        var since = time.GetUtcNow().AddDays(-AlertDays);
        var summaries = new List<MonitorSummary>();
        foreach (var monitor in await store.ListMonitorsAsync(null, ct))
        {
            var latest = await store.GetLatestResultAsync(monitor.Spec.Name, ct);
            var alerts = await store.ListAlertEventsAsync(monitor.Spec.Name, null, since, MonitorService.MaxAlertEvents, ct);
            summaries.Add(new MonitorSummary(monitor, latest, alerts.Count));
        }
        return UiResults.Page<MonitorsPage, MonitorsPageModel>(new MonitorsPageModel(true, summaries, AlertDays));
    }

    private static async Task<IResult> MonitorAsync(string monitor, string? days, IServiceProvider services, TimeProvider time, CancellationToken ct)
    {
        var range = Days(days);
        if (services.GetService<IMonitorStore>() is not { } store)
        {
            return UiResults.NotFound("This server keeps no monitors, so there is no monitor '" + monitor + "'.");
        }
        var found = await store.GetMonitorAsync(monitor, ct) ?? throw KeelException.NotFound($"Monitor '{monitor}' not found.");
        var now = time.GetUtcNow();
        var all = await store.ListResultsAsync(found.Spec.Name, null, now.AddDays(-range), now.AddSeconds(1), ct);
        var results = all.Count > MaxResultsShown ? all.Skip(all.Count - MaxResultsShown).ToArray() : all;
        var alerts = await store.ListAlertEventsAsync(found.Spec.Name, null, now.AddDays(-range), 50, ct);
        return UiResults.Page<MonitorPage, MonitorPageModel>(new MonitorPageModel(
            found, range, results, all.Count,
            MonitorCharts.DriftShare(results, found.Spec),
            MonitorCharts.Features(results, found.Spec),
            MonitorCharts.Quality(results),
            MonitorCharts.Latency(results),
            alerts));
    }

    private static int Days(string? days)
    {
        if (string.IsNullOrEmpty(days))
        {
            return DefaultDays;
        }
        return int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= MaxDays
            ? value
            : throw KeelException.InvalidParameter(
                $"Invalid value '{days}' for parameter 'days': expected a whole number of days from 1 to {MaxDays}.");
    }
}
