using Keel.Core.Common;
using Keel.Core.Tracking;
using Keel.Core.Tracking.Search;
using Keel.Web.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Keel.Web.Pages.Runs;

/// <summary>The runs table of an experiment: <c>/experiments/{id}/runs?filter=…&amp;order=…&amp;page=…&amp;cols=…</c>.</summary>
internal static class RunsTablePages
{
    private const int DefaultColumnsPerKind = 10;

    public static void MapRunsTablePages(this IEndpointRouteBuilder pages)
    {
        pages.MapGet("/experiments/{experimentId}/runs", TableAsync);
        pages.MapPost("/runs/delete", (HttpContext context, TrackingService tracking, CancellationToken ct) =>
            RunActions.ApplyAsync(context, tracking.DeleteRunAsync, ct));
        pages.MapPost("/runs/restore", (HttpContext context, TrackingService tracking, CancellationToken ct) =>
            RunActions.ApplyAsync(context, tracking.RestoreRunAsync, ct));
    }

    private static async Task<IResult> TableAsync(
        string experimentId, string? filter, string? order, string? page, string? size, string[]? cols, string? view,
        HttpContext context, TrackingService tracking, TimeProvider time, CancellationToken ct)
    {
        var experiment = await tracking.GetExperimentAsync(experimentId, ct);
        var query = RunsTableQuery.Parse(experiment.ExperimentId, filter, order, page, size, cols is { Length: > 0 } ? cols : null, view);
        var filterError = ParseError(() => SearchFilterParser.ParseRunFilter(query.Filter));
        var orderError = query.Order.Length == 0 ? null : ParseError(() => SearchFilterParser.ParseRunOrderBy([query.Order]));

        IReadOnlyList<Run> runs = [];
        var hasNext = false;
        if (filterError is null && orderError is null)
        {
            var found = await tracking.SearchRunsAsync([experiment.ExperimentId], query.Filter, query.WireViewType,
                query.Size, [query.Order.Length == 0 ? RunsTableQuery.DefaultOrder : query.Order],
                query.Offset == 0 ? null : PageToken.Encode(query.Offset), ct);
            runs = found.Items;
            hasNext = found.NextPageToken is not null;
        }

        var available = AvailableColumns(runs, query.Columns ?? []);
        var columns = query.Columns ?? DefaultColumns(available);
        var model = new RunsTableModel(experiment, query, runs, hasNext, filterError, orderError, columns, available,
            UiForms.Token(context), time.GetUtcNow().ToUnixTimeMilliseconds());
        var status = filterError is null && orderError is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest;
        return UiResults.Page<RunsTablePage, RunsTableModel>(model, status);
    }

    private static string? ParseError(Action parse)
    {
        try
        {
            parse();
            return null;
        }
        catch (KeelException e) when (e.Code == ErrorCode.InvalidParameterValue)
        {
            return e.Message;
        }
    }

    private static RunColumn[] AvailableColumns(IReadOnlyList<Run> runs, IReadOnlyList<RunColumn> chosen)
    {
        var seen = new HashSet<RunColumn>(chosen);
        foreach (var run in runs)
        {
            seen.UnionWith(run.LatestMetrics.Select(m => new RunColumn(RunColumnKind.Metric, m.Key)));
            seen.UnionWith(run.Params.Select(p => new RunColumn(RunColumnKind.Param, p.Key)));
            seen.UnionWith(run.Tags.Where(t => t.Key != TrackingService.RunNameTag).Select(t => new RunColumn(RunColumnKind.Tag, t.Key)));
        }
        return [.. seen.OrderBy(c => c.Kind).ThenBy(c => c.Key, StringComparer.Ordinal)];
    }

    // Without a choice: the first metrics and params; tags are mostly MLflow's own bookkeeping, so none.
    private static RunColumn[] DefaultColumns(IReadOnlyList<RunColumn> available) =>
    [
        .. available.Where(c => c.Kind == RunColumnKind.Metric).Take(DefaultColumnsPerKind),
        .. available.Where(c => c.Kind == RunColumnKind.Param).Take(DefaultColumnsPerKind),
    ];
}
