namespace Keel.Core.Data.Profiles;

/// <summary>The limits that keep a column's profile in bounded memory, whatever the number of rows.</summary>
public sealed record ProfileOptions
{
    public static ProfileOptions Default { get; } = new();

    /// <summary>The ranks every numeric profile reports quantiles at.</summary>
    public static IReadOnlyList<double> QuantileRanks { get; } = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1];

    /// <summary>How many most frequent values string and boolean columns report. Default 20.</summary>
    public int TopValues { get; init; } = 20;

    /// <summary>
    /// Distinct values counted exactly (and, for text, with exact frequencies); above it <c>distinct</c> is null and
    /// frequencies come from a space-saving sketch. Default 10,000.
    /// </summary>
    public int DistinctLimit { get; init; } = 10_000;

    /// <summary>Counters of the space-saving sketch: counts are over by at most n / this. Default 1,000.</summary>
    public int FrequentValueCounters { get; init; } = 1_000;

    /// <summary>
    /// Numeric values per column kept exactly (8 bytes each). A column with at most this many gets exact quantiles
    /// and its histogram without a second pass; a larger one uses the sketch and needs a second pass for its
    /// histogram. Default 32,768.
    /// </summary>
    public int ExactValueLimit { get; init; } = 32_768;

    /// <summary>The quantile sketch's capacity k (see <see cref="QuantileSketch"/>). Default 2,048.</summary>
    public int SketchCapacity { get; init; } = QuantileSketch.DefaultCapacity;
}
