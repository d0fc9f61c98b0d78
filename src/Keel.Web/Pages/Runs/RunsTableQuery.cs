using System.Globalization;
using Keel.Core.Common;
using Keel.Web.Infrastructure;

namespace Keel.Web.Pages.Runs;

/// <summary>
/// Everything that decides what the runs table shows, read from and written back to its query string:
/// <c>filter</c> (MLflow grammar), <c>order</c> (an order_by clause), <c>page</c> (from 1), <c>size</c>,
/// <c>cols</c> (chosen columns) and <c>view</c> (active, deleted or all).
/// </summary>
public sealed record RunsTableQuery(
    string ExperimentId, string Filter, string Order, int Page, int Size, IReadOnlyList<RunColumn>? Columns, string View)
{
    public const int DefaultSize = 50;
    public const int MaxSize = 500;
    public const string DefaultOrder = "attributes.start_time DESC";

    /// <summary>The <c>cols</c> value that chooses no extra column (an absent <c>cols</c> means the defaults).</summary>
    public const string NoColumns = "none";

    public static readonly IReadOnlyList<string> Views = ["active", "deleted", "all"];

    /// <summary>The view as the search's run_view_type.</summary>
    public string WireViewType => View switch
    {
        "deleted" => "DELETED_ONLY",
        "all" => "ALL",
        _ => "ACTIVE_ONLY",
    };

    public long Offset => (long)(Page - 1) * Size;

    /// <summary>The table of an experiment with nothing chosen.</summary>
    public static string Url(string experimentId) => $"/experiments/{Uri.EscapeDataString(experimentId)}/runs";

    /// <summary>Reads the query string; a malformed page, size or view is INVALID_PARAMETER_VALUE naming it.</summary>
    public static RunsTableQuery Parse(string experimentId, string? filter, string? order, string? page, string? size,
        IEnumerable<string?>? cols, string? view)
    {
        var columns = cols is null ? null : QueryStrings.SplitList(cols).Select(RunColumn.Parse).OfType<RunColumn>().ToArray();
        var chosenView = string.IsNullOrEmpty(view) ? "active" : view;
        if (!Views.Contains(chosenView))
        {
            throw KeelException.InvalidParameter($"Invalid value '{view}' for parameter 'view': expected one of active, deleted, all.");
        }
        return new RunsTableQuery(
            experimentId,
            (filter ?? "").Trim(),
            string.IsNullOrWhiteSpace(order) ? "" : order.Trim(),
            Number(page, "page", 1, 1, int.MaxValue / MaxSize),
            Number(size, "size", DefaultSize, 1, MaxSize),
            columns,
            chosenView);
    }

    /// <summary>This table's URL, with any part replaced.</summary>
    public string ToUrl(string? filter = null, string? order = null, int? page = null, IReadOnlyList<RunColumn>? columns = null) =>
        QueryStrings.Build(Url(ExperimentId),
            ("filter", filter ?? Filter),
            ("order", order ?? Order),
            ("page", (page ?? 1) is var p && p > 1 ? p.ToString(CultureInfo.InvariantCulture) : null),
            ("size", Size != DefaultSize ? Size.ToString(CultureInfo.InvariantCulture) : null),
            ("cols", (columns ?? Columns) is { } c ? (c.Count == 0 ? NoColumns : string.Join(',', c.Select(x => x.Id))) : null),
            ("view", View != "active" ? View : null));

    private static int Number(string? text, string name, int fallback, int min, int max)
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw KeelException.InvalidParameter(
                $"Invalid value '{text}' for parameter '{name}': expected a whole number from {min} to {max}.");
        }
        return value;
    }
}
