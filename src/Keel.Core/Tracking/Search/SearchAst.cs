namespace Keel.Core.Tracking.Search;

/// <summary>The entity a search key names (<c>metrics.</c>, <c>params.</c>, <c>tags.</c>, <c>attributes.</c>, <c>datasets.</c>).</summary>
public enum EntityKind
{
    Metric,
    Param,
    Tag,
    Attribute,
    Dataset,
}

public enum Comparator
{
    Equal,
    NotEqual,
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
    Like,
    ILike,
    In,
    NotIn,
}

/// <summary>A parsed search filter. A null filter (no filter string) matches everything.</summary>
public abstract record FilterNode;

public sealed record AndNode(IReadOnlyList<FilterNode> Terms) : FilterNode;

/// <summary>Keel's documented extension: MLflow accepts only AND.</summary>
public sealed record OrNode(IReadOnlyList<FilterNode> Terms) : FilterNode;

/// <summary>
/// One comparison. <see cref="Key"/> is canonical: attribute aliases are resolved
/// (e.g. <c>created</c> → <c>start_time</c>, <c>Run name</c> → <c>run_name</c>), quotes removed.
/// </summary>
public sealed record ComparisonNode(EntityKind Kind, string Key, Comparator Op, FilterValue Value) : FilterNode;

public abstract record FilterValue;

public sealed record NumberValue(double Value) : FilterValue;

public sealed record StringValue(string Value) : FilterValue;

public sealed record ListValue(IReadOnlyList<string> Values) : FilterValue;

/// <summary>One <c>order_by</c> clause, key canonical as in <see cref="ComparisonNode"/>.</summary>
public sealed record OrderByTerm(EntityKind Kind, string Key, bool Ascending);
