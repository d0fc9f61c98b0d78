using Keel.Core.Common;
using Keel.Core.Tracking.Search;
using Xunit;

namespace Keel.Core.Tests.Tracking.Search;

internal static class SearchAssert
{
    public static ComparisonNode Comparison(FilterNode? node, EntityKind kind, string key, Comparator op)
    {
        var comparison = Assert.IsType<ComparisonNode>(node);
        Assert.Equal(kind, comparison.Kind);
        Assert.Equal(key, comparison.Key);
        Assert.Equal(op, comparison.Op);
        return comparison;
    }

    public static double Number(ComparisonNode node) => Assert.IsType<NumberValue>(node.Value).Value;

    public static string String(ComparisonNode node) => Assert.IsType<StringValue>(node.Value).Value;

    public static IReadOnlyList<string> List(ComparisonNode node) => Assert.IsType<ListValue>(node.Value).Values;

    /// <summary>Asserts an INVALID_PARAMETER_VALUE error naming the position and the token; returns the message.</summary>
    public static string Fails(Action parse, string subject, int position, string token)
    {
        var error = Assert.Throws<KeelException>(parse);
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.StartsWith($"Invalid {subject} '", error.Message, StringComparison.Ordinal);
        Assert.Contains($"' at position {position}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(token, error.Message, StringComparison.Ordinal);
        return error.Message;
    }

    public static string RunFilterFails(string filter, int position, string token) =>
        Fails(() => SearchFilterParser.ParseRunFilter(filter), "filter", position, token);

    public static string ExperimentFilterFails(string filter, int position, string token) =>
        Fails(() => SearchFilterParser.ParseExperimentFilter(filter), "filter", position, token);
}
