using Keel.Core.Monitoring.Statistics;

namespace Keel.Monitoring.Runner;

/// <summary>The columns of a reference, by name, as values the drift statistics take.</summary>
/// <param name="Rows">Rows in the reference.</param>
/// <param name="Columns">Each column's values, by name (ordinal).</param>
internal sealed record ReferenceTable(int Rows, IReadOnlyDictionary<string, FeatureValues> Columns)
{
    /// <summary>Column names in the order the table has them.</summary>
    public IReadOnlyList<string> Names { get; init; } = [.. Columns.Keys];
}
