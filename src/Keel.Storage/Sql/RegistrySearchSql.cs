using Keel.Core.Common;
using Keel.Core.Tracking.Search;

namespace Keel.Storage.Sql;

/// <summary>
/// Compiles registry searches to SQL over <c>registered_models m</c> and <c>model_versions v</c>.
/// Orders follow MLflow: the requested terms, then name ascending and (versions) newest version first as tie-breakers.
/// </summary>
internal static class RegistrySearchSql
{
    public static string ModelWhere(FilterNode filter, SqlParameters p) =>
        SqlComparisons.Combine(filter, c => c.Kind switch
        {
            EntityKind.Tag =>
                $"EXISTS (SELECT 1 FROM registered_model_tags t WHERE t.model_pk = m.model_pk AND t.key = {p.Add(c.Key)} AND {SqlComparisons.Compare("t.value", c.Op, c.Value, p)})",
            EntityKind.Attribute => SqlComparisons.Compare(Column(c.Key), c.Op, c.Value, p),
            _ => throw KeelException.InvalidParameter($"Invalid registered model search key '{c.Key}'."),
        });

    public static string VersionWhere(FilterNode filter, SqlParameters p) =>
        SqlComparisons.Combine(filter, c => c.Kind switch
        {
            EntityKind.Tag =>
                $"EXISTS (SELECT 1 FROM model_version_tags t WHERE t.model_pk = v.model_pk AND t.version = v.version AND t.key = {p.Add(c.Key)} AND {SqlComparisons.Compare("t.value", c.Op, c.Value, p)})",
            EntityKind.Attribute => SqlComparisons.Compare(Column(c.Key), c.Op, c.Value, p),
            _ => throw KeelException.InvalidParameter($"Invalid model version search key '{c.Key}'."),
        });

    public static string ModelOrderBy(IReadOnlyList<OrderByTerm> terms) =>
        Order(terms, "m.name ASC", "m.name ASC", "m");

    public static string VersionOrderBy(IReadOnlyList<OrderByTerm> terms) =>
        Order(terms, "m.name ASC, v.version DESC", "m.name ASC, v.version DESC", "v");

    private static string Order(IReadOnlyList<OrderByTerm> terms, string defaultOrder, string tieBreak, string timestamps)
    {
        var order = terms.Select(t => $"{Column(t.Key, timestamps)} {(t.Ascending ? "ASC" : "DESC")}").ToList();
        order.Add(order.Count == 0 ? defaultOrder : tieBreak);
        return string.Join(", ", order);
    }

    private static string Column(string key, string timestamps = "v") => key switch
    {
        "name" => "m.name",
        "run_id" => "v.run_id",
        "source" => "v.source",
        "version_number" => "v.version",
        "creation_timestamp" => $"{timestamps}.creation_timestamp",
        "last_updated_timestamp" => $"{timestamps}.last_updated_timestamp",
        _ => throw KeelException.InvalidParameter($"Invalid registry search attribute '{key}'."),
    };
}
