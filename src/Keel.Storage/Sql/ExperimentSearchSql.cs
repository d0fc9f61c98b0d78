using Keel.Core.Common;
using Keel.Core.Tracking.Search;

namespace Keel.Storage.Sql;

/// <summary>Compiles an experiment search to SQL over <c>experiments e</c>.</summary>
internal static class ExperimentSearchSql
{
    public static string Where(FilterNode filter, SqlParameters p) =>
        SqlComparisons.Combine(filter, c => c.Kind switch
        {
            EntityKind.Tag =>
                $"EXISTS (SELECT 1 FROM experiment_tags t WHERE t.experiment_id = e.experiment_id AND t.key = {p.Add(c.Key)} AND {SqlComparisons.Compare("t.value", c.Op, c.Value, p)})",
            EntityKind.Attribute => SqlComparisons.Compare(Column(c.Key), c.Op, c.Value, p),
            _ => throw KeelException.InvalidParameter($"Invalid experiment search key '{c.Key}'."),
        });

    public static string OrderBy(IReadOnlyList<OrderByTerm> terms)
    {
        var order = terms.Select(t => $"{Column(t.Key)} {(t.Ascending ? "ASC" : "DESC")}").ToList();
        if (order.Count == 0)
        {
            order.Add("e.creation_time DESC");
        }
        order.Add("e.experiment_id ASC");
        return string.Join(", ", order);
    }

    private static string Column(string key) => key switch
    {
        "name" => "e.name",
        "experiment_id" => "e.experiment_id",
        "creation_time" => "e.creation_time",
        "last_update_time" => "e.last_update_time",
        _ => throw KeelException.InvalidParameter($"Invalid experiment attribute '{key}'."),
    };
}
