using Keel.Core.Tracking;
using Keel.Web.Infrastructure;
using Keel.Web.Pages.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static Keel.Web.Infrastructure.QueryStrings;

namespace Keel.Web.Pages.Experiments;

/// <summary>The experiments list: <c>/experiments?q=name</c>.</summary>
internal static class ExperimentPages
{
    public const int PageSize = 100;

    public static void MapExperimentPages(this IEndpointRouteBuilder pages)
    {
        pages.MapGet("/experiments", ListAsync);
        pages.MapGet("/experiments/{experimentId}", (string experimentId) => TypedResults.Redirect(RunsTableQuery.Url(experimentId)));
    }

    public static string ListUrl(string search, bool showDeleted, string? pageToken) =>
        Build("/experiments", ("q", search), ("deleted", showDeleted ? "1" : null), ("page_token", pageToken));

    private static async Task<IResult> ListAsync(string? q, string? deleted, string? page_token, TrackingService tracking, CancellationToken ct)
    {
        var search = (q ?? "").Trim();
        var showDeleted = deleted == "1";
        var filter = search.Length == 0 ? null : $"name ILIKE {FilterLiteral.Quote("%" + search + "%")}";
        var page = await tracking.SearchExperimentsAsync(PageSize, page_token, filter, ["name ASC"],
            showDeleted ? "ALL" : "ACTIVE_ONLY", ct);
        return UiResults.Page<ExperimentsPage, ExperimentListModel>(
            new ExperimentListModel(search, showDeleted, page.Items, page.NextPageToken));
    }
}
