using Keel.Core.Common;
using Keel.Core.Tracking.Search;

namespace Keel.Storage.Sql;

/// <summary>Turns one comparator and value into SQL over a column expression; shared by every backend.</summary>
internal static class SqlComparisons
{
    public static string Compare(string column, Comparator op, FilterValue value, SqlParameters parameters) => op switch
    {
        Comparator.In or Comparator.NotIn => InList(column, op, value, parameters),
        Comparator.Like => $"{column} LIKE {parameters.Add(Scalar(value))}",
        Comparator.ILike => $"lower({column}) LIKE lower({parameters.Add(Scalar(value))})",
        _ => $"{column} {Operator(op)} {parameters.Add(Scalar(value))}",
    };

    private static string InList(string column, Comparator op, FilterValue value, SqlParameters parameters)
    {
        if (value is not ListValue list || list.Values.Count == 0)
        {
            throw KeelException.InvalidParameter($"'{(op == Comparator.In ? "IN" : "NOT IN")}' needs a non-empty list of quoted values.");
        }
        var names = string.Join(", ", list.Values.Select(v => parameters.Add(v)));
        return $"{column} {(op == Comparator.In ? "IN" : "NOT IN")} ({names})";
    }

    private static object Scalar(FilterValue value) => value switch
    {
        NumberValue n when n.Value == Math.Floor(n.Value) && Math.Abs(n.Value) < 9e15 => (long)n.Value,
        NumberValue n => n.Value,
        StringValue s => s.Value,
        _ => throw KeelException.InvalidParameter("A list value is only allowed with IN and NOT IN."),
    };

    private static string Operator(Comparator op) => op switch
    {
        Comparator.Equal => "=",
        Comparator.NotEqual => "!=",
        Comparator.Greater => ">",
        Comparator.GreaterOrEqual => ">=",
        Comparator.Less => "<",
        _ => "<=",
    };

    /// <summary>Joins child expressions; AND binds tighter than OR, so every group is parenthesised.</summary>
    public static string Combine(FilterNode node, Func<ComparisonNode, string> leaf) => node switch
    {
        AndNode and => "(" + string.Join(" AND ", and.Terms.Select(t => Combine(t, leaf))) + ")",
        OrNode or => "(" + string.Join(" OR ", or.Terms.Select(t => Combine(t, leaf))) + ")",
        ComparisonNode comparison => leaf(comparison),
        _ => throw new ArgumentOutOfRangeException(nameof(node)),
    };
}
