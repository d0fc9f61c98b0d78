namespace Keel.Core.Tracking.Search;

/// <summary>
/// MLflow's search grammar for <c>runs/search</c> and <c>experiments/search</c>: filters and order_by
/// clauses, checked against the keys and comparators MLflow accepts. Keel also accepts <c>OR</c> and
/// parentheses, with <c>AND</c> binding tighter. Every malformed input throws
/// <see cref="Common.KeelException"/> (INVALID_PARAMETER_VALUE) whose message names the 0-based
/// character position and the offending token.
/// </summary>
public static class SearchFilterParser
{
    /// <summary>
    /// Parses a runs/search filter such as <c>metrics.acc &gt; 0.9 AND params.model = 'cnn'</c>.
    /// Keys are <c>metrics.</c>, <c>params.</c>, <c>tags.</c>, <c>attributes.</c> (or a bare attribute name)
    /// and <c>datasets.</c>, with MLflow's aliases.
    /// </summary>
    /// <returns>Null for a null, empty or blank filter (match everything); a single comparison is returned unwrapped.</returns>
    public static FilterNode? ParseRunFilter(string? filter) => Parse(filter, SearchKeyRules.Runs);

    /// <summary>
    /// Parses an experiments/search filter: <c>name</c>, <c>creation_time</c>, <c>last_update_time</c>
    /// (bare or as <c>attribute.</c>/<c>attributes.</c>) and <c>tags.&lt;key&gt;</c>.
    /// </summary>
    /// <returns>Null for a null, empty or blank filter.</returns>
    public static FilterNode? ParseExperimentFilter(string? filter) => Parse(filter, SearchKeyRules.Experiments);

    /// <summary>
    /// Parses runs/search order_by clauses, each <c>key [ASC|DESC]</c> (default ascending):
    /// any metric, param or tag, or the attributes run_id, run_name, user_id, status, artifact_uri,
    /// start_time (alias created, Created) and end_time.
    /// </summary>
    /// <returns>The terms in the given order; empty for null or no clauses.</returns>
    public static IReadOnlyList<OrderByTerm> ParseRunOrderBy(IReadOnlyList<string>? orderBy) =>
        SearchOrderByGrammar.Parse(orderBy, SearchKeyRules.Runs);

    /// <summary>
    /// Parses experiments/search order_by clauses over name, experiment_id, creation_time and
    /// last_update_time (default ascending).
    /// </summary>
    /// <returns>The terms in the given order; empty for null or no clauses.</returns>
    public static IReadOnlyList<OrderByTerm> ParseExperimentOrderBy(IReadOnlyList<string>? orderBy) =>
        SearchOrderByGrammar.Parse(orderBy, SearchKeyRules.Experiments);

    /// <summary>Parses a registered-models/search filter: <c>name</c> (=, !=, LIKE, ILIKE) and <c>tags.&lt;key&gt;</c>.</summary>
    /// <returns>Null for a null, empty or blank filter.</returns>
    public static FilterNode? ParseRegisteredModelFilter(string? filter) => Parse(filter, SearchKeyRules.RegisteredModels);

    /// <summary>
    /// Parses a model-versions/search filter: <c>name</c>, <c>run_id</c> (=, !=, LIKE, ILIKE, IN),
    /// <c>source_path</c> or <c>source</c>, <c>version_number</c> and <c>tags.&lt;key&gt;</c>.
    /// </summary>
    /// <returns>Null for a null, empty or blank filter.</returns>
    public static FilterNode? ParseModelVersionFilter(string? filter) => Parse(filter, SearchKeyRules.ModelVersions);

    /// <summary>Parses registered-models/search order_by over name, creation_timestamp and last_updated_timestamp (alias timestamp).</summary>
    /// <returns>The terms in the given order; empty for null or no clauses.</returns>
    public static IReadOnlyList<OrderByTerm> ParseRegisteredModelOrderBy(IReadOnlyList<string>? orderBy) =>
        SearchOrderByGrammar.Parse(orderBy, SearchKeyRules.RegisteredModels);

    /// <summary>Parses model-versions/search order_by over name, version_number and the timestamps.</summary>
    /// <returns>The terms in the given order; empty for null or no clauses.</returns>
    public static IReadOnlyList<OrderByTerm> ParseModelVersionOrderBy(IReadOnlyList<string>? orderBy) =>
        SearchOrderByGrammar.Parse(orderBy, SearchKeyRules.ModelVersions);

    private static FilterNode? Parse(string? filter, SearchKeyRules rules) =>
        string.IsNullOrWhiteSpace(filter) ? null : SearchFilterGrammar.Parse(filter, rules);
}
