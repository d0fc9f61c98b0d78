using Keel.Core.Common;
using Keel.Core.Tracking.Search;

namespace Keel.Storage.Sql;

/// <summary>
/// Compiles a run search (filter and order) to SQL over <c>runs r</c>. Metric conditions read the
/// latest-value table, so a search never scans metric histories.
/// </summary>
internal static class RunSearchSql
{
    public static string Where(FilterNode filter, SqlParameters p) =>
        SqlComparisons.Combine(filter, c => Leaf(c, p));

    private static string Leaf(ComparisonNode c, SqlParameters p) => c.Kind switch
    {
        EntityKind.Attribute => SqlComparisons.Compare(AttributeColumn(c.Key), c.Op, c.Value, p),
        EntityKind.Metric =>
            $"EXISTS (SELECT 1 FROM latest_metrics lm WHERE lm.run_pk = r.run_pk AND lm.key_id = (SELECT key_id FROM metric_keys WHERE key = {p.Add(c.Key)}) AND {SqlComparisons.Compare("lm.value", c.Op, c.Value, p)})",
        EntityKind.Param =>
            $"EXISTS (SELECT 1 FROM params fp WHERE fp.run_pk = r.run_pk AND fp.key = {p.Add(c.Key)} AND {SqlComparisons.Compare("fp.value", c.Op, c.Value, p)})",
        EntityKind.Tag =>
            $"EXISTS (SELECT 1 FROM tags ft WHERE ft.run_pk = r.run_pk AND ft.key = {p.Add(c.Key)} AND {SqlComparisons.Compare("ft.value", c.Op, c.Value, p)})",
        EntityKind.Dataset => DatasetLeaf(c, p),
        _ => throw new ArgumentOutOfRangeException(nameof(c)),
    };

    private static string DatasetLeaf(ComparisonNode c, SqlParameters p)
    {
        if (c.Key == "context")
        {
            return "EXISTS (SELECT 1 FROM input_tags it WHERE it.run_pk = r.run_pk AND it.key = 'mlflow.data.context' AND "
                + SqlComparisons.Compare("it.value", c.Op, c.Value, p) + ")";
        }
        var column = c.Key switch
        {
            "name" => "d.name",
            "digest" => "d.digest",
            _ => throw KeelException.InvalidParameter($"Invalid dataset key 'datasets.{c.Key}': expected name, digest or context."),
        };
        return "EXISTS (SELECT 1 FROM inputs i JOIN datasets d ON d.dataset_pk = i.dataset_pk WHERE i.run_pk = r.run_pk AND "
            + SqlComparisons.Compare(column, c.Op, c.Value, p) + ")";
    }

    public static string AttributeColumn(string key) => key switch
    {
        "run_id" => "r.run_id",
        "run_name" => "r.name",
        "status" => "r.status",
        "user_id" => "r.user_id",
        "artifact_uri" => "r.artifact_uri",
        "start_time" => "r.start_time",
        "end_time" => "r.end_time",
        _ => throw KeelException.InvalidParameter($"Invalid attribute key '{key}'."),
    };

    /// <summary>LEFT JOINs for the sort keys and the ORDER BY list; runs missing a sort key come last.</summary>
    public static (string Joins, string OrderBy) Order(IReadOnlyList<OrderByTerm> terms, SqlParameters p)
    {
        var joins = new List<string>();
        var order = new List<string>();
        for (var i = 0; i < terms.Count; i++)
        {
            var term = terms[i];
            var direction = term.Ascending ? "ASC" : "DESC";
            string column;
            switch (term.Kind)
            {
                case EntityKind.Metric:
                    joins.Add($"LEFT JOIN latest_metrics o{i} ON o{i}.run_pk = r.run_pk AND o{i}.key_id = (SELECT key_id FROM metric_keys WHERE key = {p.Add(term.Key)})");
                    // NaN is stored as NULL: keep it after real values but before runs without the metric.
                    order.Add($"CASE WHEN o{i}.run_pk IS NULL THEN 2 WHEN o{i}.value IS NULL THEN 1 ELSE 0 END");
                    order.Add($"o{i}.value {direction}");
                    continue;
                case EntityKind.Param:
                    joins.Add($"LEFT JOIN params o{i} ON o{i}.run_pk = r.run_pk AND o{i}.key = {p.Add(term.Key)}");
                    column = $"o{i}.value";
                    break;
                case EntityKind.Tag:
                    joins.Add($"LEFT JOIN tags o{i} ON o{i}.run_pk = r.run_pk AND o{i}.key = {p.Add(term.Key)}");
                    column = $"o{i}.value";
                    break;
                default:
                    column = AttributeColumn(term.Key);
                    break;
            }
            order.Add($"CASE WHEN {column} IS NULL THEN 1 ELSE 0 END");
            order.Add($"{column} {direction}");
        }
        // MLflow's tie-breakers: newest first, then run id.
        order.Add("r.start_time DESC");
        order.Add("r.run_id ASC");
        return (string.Join("\n", joins), string.Join(", ", order));
    }
}
