using Keel.Core.Tracking;
using Keel.Web.Infrastructure;

namespace Keel.Web.Pages.Runs;

/// <summary>What the runs table of one experiment shows.</summary>
/// <param name="Experiment">The experiment.</param>
/// <param name="Query">The query string, parsed.</param>
/// <param name="Runs">This page's runs (empty when the filter or order did not parse).</param>
/// <param name="HasNextPage">True when another page follows.</param>
/// <param name="FilterError">The parser's message (position and token) for a bad filter, shown beside the kept input.</param>
/// <param name="OrderError">The parser's message for a bad order clause.</param>
/// <param name="Columns">The chosen metric, param and tag columns.</param>
/// <param name="Available">Columns the picker offers: the keys on this page and the chosen ones.</param>
/// <param name="Token">Antiforgery token of the delete/restore form.</param>
/// <param name="Now">Unix milliseconds now, for the duration of running runs.</param>
public sealed record RunsTableModel(
    Experiment Experiment,
    RunsTableQuery Query,
    IReadOnlyList<Run> Runs,
    bool HasNextPage,
    string? FilterError,
    string? OrderError,
    IReadOnlyList<RunColumn> Columns,
    IReadOnlyList<RunColumn> Available,
    FormToken Token,
    long Now)
{
    public const string SourceTag = "mlflow.source.name";

    /// <summary>The URL sorting by <paramref name="key"/> (a grammar key): descending first, then toggling.</summary>
    public string SortUrl(string key) =>
        Query.ToUrl(order: SortState(key) == "descending" ? $"{key} ASC" : $"{key} DESC");

    /// <summary>"ascending", "descending" or null: the column's aria-sort.</summary>
    public string? SortState(string key)
    {
        var order = Query.Order.Length == 0 ? RunsTableQuery.DefaultOrder : Query.Order;
        if (!order.StartsWith(key, StringComparison.Ordinal))
        {
            return null;
        }
        var rest = order[key.Length..].Trim();
        return rest.Length == 0 || rest.Equals("ASC", StringComparison.OrdinalIgnoreCase) ? "ascending"
            : rest.Equals("DESC", StringComparison.OrdinalIgnoreCase) ? "descending" : null;
    }

    public static string? Value(Run run, RunColumn column) => column.Kind switch
    {
        RunColumnKind.Metric => run.LatestMetrics.FirstOrDefault(m => m.Key == column.Key) is { } m ? Components.Format.Number(m.Value) : null,
        RunColumnKind.Param => run.Params.FirstOrDefault(p => p.Key == column.Key)?.Value,
        _ => run.Tags.FirstOrDefault(t => t.Key == column.Key)?.Value,
    };

    public string Duration(RunInfo info) =>
        Components.Format.Duration((info.EndTime ?? (info.Status == RunStatus.Running ? Now : info.StartTime)) - info.StartTime);
}
