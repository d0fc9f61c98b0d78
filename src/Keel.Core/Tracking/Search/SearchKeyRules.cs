using System.Collections.Frozen;

namespace Keel.Core.Tracking.Search;

/// <summary>The value a key compares against.</summary>
internal enum SearchValueKind
{
    Number,
    String,
}

/// <summary>A resolved filter key: canonical name, value kind and the comparators it accepts.</summary>
internal sealed record SearchKeyRule(EntityKind Kind, string Key, SearchValueKind ValueKind, IReadOnlyList<Comparator> Comparators);

/// <summary>
/// Which keys a search surface accepts, after mlflow/utils/search_utils.py (SearchUtils and
/// SearchExperimentsUtils) and RunInfo's searchable attributes. Keys are case-sensitive there and here.
/// </summary>
internal sealed class SearchKeyRules
{
    private static readonly Comparator[] NumericComparators =
        [Comparator.Equal, Comparator.NotEqual, Comparator.Greater, Comparator.GreaterOrEqual, Comparator.Less, Comparator.LessOrEqual];

    private static readonly Comparator[] StringComparators =
        [Comparator.Equal, Comparator.NotEqual, Comparator.Like, Comparator.ILike];

    private static readonly Comparator[] ListComparators =
        [Comparator.Equal, Comparator.NotEqual, Comparator.Like, Comparator.ILike, Comparator.In, Comparator.NotIn];

    /// <summary>runs/search: every entity type and alias MLflow knows.</summary>
    public static readonly SearchKeyRules Runs = new(
        entities: new Dictionary<string, EntityKind>(StringComparer.Ordinal)
        {
            ["metric"] = EntityKind.Metric,
            ["metrics"] = EntityKind.Metric,
            ["parameter"] = EntityKind.Param,
            ["parameters"] = EntityKind.Param,
            ["param"] = EntityKind.Param,
            ["params"] = EntityKind.Param,
            ["tag"] = EntityKind.Tag,
            ["tags"] = EntityKind.Tag,
            ["attribute"] = EntityKind.Attribute,
            ["attributes"] = EntityKind.Attribute,
            ["attr"] = EntityKind.Attribute,
            ["run"] = EntityKind.Attribute,
            ["dataset"] = EntityKind.Dataset,
            ["datasets"] = EntityKind.Dataset,
        },
        filterAttributes: new Dictionary<string, SearchKeyRule>(StringComparer.Ordinal)
        {
            // Only run_id takes a list: MLflow rejects a list for any other string attribute.
            ["run_id"] = Attribute("run_id", SearchValueKind.String, ListComparators),
            ["run_name"] = Attribute("run_name", SearchValueKind.String, StringComparators),
            ["run name"] = Attribute("run_name", SearchValueKind.String, StringComparators),
            ["Run name"] = Attribute("run_name", SearchValueKind.String, StringComparators),
            ["Run Name"] = Attribute("run_name", SearchValueKind.String, StringComparators),
            ["user_id"] = Attribute("user_id", SearchValueKind.String, StringComparators),
            ["status"] = Attribute("status", SearchValueKind.String, StringComparators),
            ["artifact_uri"] = Attribute("artifact_uri", SearchValueKind.String, StringComparators),
            ["start_time"] = Attribute("start_time", SearchValueKind.Number, NumericComparators),
            ["created"] = Attribute("start_time", SearchValueKind.Number, NumericComparators),
            ["Created"] = Attribute("start_time", SearchValueKind.Number, NumericComparators),
            ["end_time"] = Attribute("end_time", SearchValueKind.Number, NumericComparators),
        },
        orderByAttributes: new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["run_id"] = "run_id",
            ["run_name"] = "run_name",
            ["user_id"] = "user_id",
            ["status"] = "status",
            ["artifact_uri"] = "artifact_uri",
            ["start_time"] = "start_time",
            ["created"] = "start_time",
            ["Created"] = "start_time",
            ["end_time"] = "end_time",
        },
        orderByEntities: [EntityKind.Metric, EntityKind.Param, EntityKind.Tag, EntityKind.Attribute]);

    // Experiment and registry searches know only attributes and tags, under MLflow's singular and plural names.
    private static readonly Dictionary<string, EntityKind> AttributeAndTagEntities = new(StringComparer.Ordinal)
    {
        ["attribute"] = EntityKind.Attribute,
        ["attributes"] = EntityKind.Attribute,
        ["tag"] = EntityKind.Tag,
        ["tags"] = EntityKind.Tag,
    };

    /// <summary>
    /// experiments/search. MLflow's code takes <c>attribute</c>, <c>tag</c>, <c>tags</c>; its documentation
    /// writes <c>attributes.name</c>, so that spelling is accepted too.
    /// </summary>
    public static readonly SearchKeyRules Experiments = new(
        entities: AttributeAndTagEntities,
        filterAttributes: new Dictionary<string, SearchKeyRule>(StringComparer.Ordinal)
        {
            ["name"] = Attribute("name", SearchValueKind.String, StringComparators),
            ["creation_time"] = Attribute("creation_time", SearchValueKind.Number, NumericComparators),
            ["last_update_time"] = Attribute("last_update_time", SearchValueKind.Number, NumericComparators),
        },
        orderByAttributes: new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["name"] = "name",
            ["experiment_id"] = "experiment_id",
            ["creation_time"] = "creation_time",
            ["last_update_time"] = "last_update_time",
        },
        orderByEntities: [EntityKind.Attribute]);

    /// <summary>registered-models/search, after MLflow's SearchModelUtils: name and tags; order by name and timestamps.</summary>
    public static readonly SearchKeyRules RegisteredModels = new(
        entities: AttributeAndTagEntities,
        filterAttributes: new Dictionary<string, SearchKeyRule>(StringComparer.Ordinal)
        {
            ["name"] = Attribute("name", SearchValueKind.String, StringComparators),
        },
        orderByAttributes: new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["name"] = "name",
            ["timestamp"] = "last_updated_timestamp",
            ["last_updated_timestamp"] = "last_updated_timestamp",
            ["creation_timestamp"] = "creation_timestamp",
        },
        orderByEntities: [EntityKind.Attribute]);

    /// <summary>
    /// model-versions/search, after MLflow's SearchModelVersionUtils: name, run_id (also IN), source_path
    /// (alias source), version_number and tags.
    /// </summary>
    public static readonly SearchKeyRules ModelVersions = new(
        entities: AttributeAndTagEntities,
        filterAttributes: new Dictionary<string, SearchKeyRule>(StringComparer.Ordinal)
        {
            ["name"] = Attribute("name", SearchValueKind.String, StringComparators),
            // As MLflow: string attributes take = != LIKE ILIKE, and only run_id also takes IN (no NOT IN).
            ["run_id"] = Attribute("run_id", SearchValueKind.String, [.. StringComparators, Comparator.In]),
            ["source_path"] = Attribute("source", SearchValueKind.String, StringComparators),
            ["source"] = Attribute("source", SearchValueKind.String, StringComparators),
            ["version_number"] = Attribute("version_number", SearchValueKind.Number, NumericComparators),
        },
        orderByAttributes: new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["name"] = "name",
            ["version_number"] = "version_number",
            ["timestamp"] = "last_updated_timestamp",
            ["last_updated_timestamp"] = "last_updated_timestamp",
            ["creation_timestamp"] = "creation_timestamp",
        },
        orderByEntities: [EntityKind.Attribute]);

    private static readonly FrozenDictionary<string, SearchKeyRule> DatasetKeys = new Dictionary<string, SearchKeyRule>(StringComparer.Ordinal)
    {
        ["name"] = new(EntityKind.Dataset, "name", SearchValueKind.String, ListComparators),
        ["digest"] = new(EntityKind.Dataset, "digest", SearchValueKind.String, ListComparators),
        ["context"] = new(EntityKind.Dataset, "context", SearchValueKind.String, ListComparators),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly FrozenDictionary<string, EntityKind> _entities;
    private readonly FrozenDictionary<string, SearchKeyRule> _filterAttributes;
    private readonly FrozenDictionary<string, string> _orderByAttributes;
    private readonly EntityKind[] _orderByEntities;

    private SearchKeyRules(
        Dictionary<string, EntityKind> entities,
        Dictionary<string, SearchKeyRule> filterAttributes,
        Dictionary<string, string> orderByAttributes,
        EntityKind[] orderByEntities)
    {
        _entities = entities.ToFrozenDictionary(StringComparer.Ordinal);
        _filterAttributes = filterAttributes.ToFrozenDictionary(StringComparer.Ordinal);
        _orderByAttributes = orderByAttributes.ToFrozenDictionary(StringComparer.Ordinal);
        _orderByEntities = orderByEntities;
    }

    /// <summary>The entity identifiers this surface accepts, for messages.</summary>
    public string ValidEntities => string.Join(", ", _entities.Keys.Order(StringComparer.Ordinal));

    public bool TryResolveEntity(string identifier, out EntityKind kind) => _entities.TryGetValue(identifier, out kind);

    /// <summary>
    /// The rule for a filter key, or null with the reason in <paramref name="error"/>;
    /// <paramref name="keyText"/> is the key as written, for that message.
    /// </summary>
    public SearchKeyRule? ResolveFilterKey(EntityKind kind, string key, string keyText, out string error)
    {
        error = string.Empty;
        switch (kind)
        {
            case EntityKind.Metric:
                return new SearchKeyRule(kind, key, SearchValueKind.Number, NumericComparators);
            case EntityKind.Param or EntityKind.Tag:
                return new SearchKeyRule(kind, key, SearchValueKind.String, StringComparators);
            case EntityKind.Attribute when _filterAttributes.TryGetValue(key, out var attribute):
                return attribute;
            case EntityKind.Attribute:
                error = $"unknown attribute '{key}' in key {SearchErrors.Quote(keyText)}; valid attributes: {Join(_filterAttributes.Keys)}";
                return null;
            case EntityKind.Dataset when DatasetKeys.TryGetValue(key, out var dataset):
                return dataset;
            default:
                error = $"unknown dataset key '{key}' in key {SearchErrors.Quote(keyText)}; valid dataset keys: {Join(DatasetKeys.Keys)}";
                return null;
        }
    }

    /// <summary>The canonical order_by key, or null with the reason in <paramref name="error"/>.</summary>
    public string? ResolveOrderByKey(EntityKind kind, string key, string keyText, out string error)
    {
        error = string.Empty;
        if (!_orderByEntities.Contains(kind))
        {
            error = $"cannot order by {EntityName(kind)} key {SearchErrors.Quote(keyText)}";
            return null;
        }
        if (kind != EntityKind.Attribute)
        {
            return key;
        }
        if (_orderByAttributes.TryGetValue(key, out var canonical))
        {
            return canonical;
        }
        error = $"cannot order by attribute '{key}' in key {SearchErrors.Quote(keyText)}; valid attributes: {Join(_orderByAttributes.Keys)}";
        return null;
    }

    public static string EntityName(EntityKind kind) => kind switch
    {
        EntityKind.Metric => "metric",
        EntityKind.Param => "param",
        EntityKind.Tag => "tag",
        EntityKind.Attribute => "attribute",
        _ => "dataset",
    };

    public static string ComparatorText(Comparator op) => op switch
    {
        Comparator.Equal => "=",
        Comparator.NotEqual => "!=",
        Comparator.Greater => ">",
        Comparator.GreaterOrEqual => ">=",
        Comparator.Less => "<",
        Comparator.LessOrEqual => "<=",
        Comparator.Like => "LIKE",
        Comparator.ILike => "ILIKE",
        Comparator.In => "IN",
        _ => "NOT IN",
    };

    private static SearchKeyRule Attribute(string key, SearchValueKind valueKind, Comparator[] comparators) =>
        new(EntityKind.Attribute, key, valueKind, comparators);

    private static string Join(IEnumerable<string> keys) => string.Join(", ", keys.Order(StringComparer.Ordinal));
}
