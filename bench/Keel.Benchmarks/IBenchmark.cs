namespace Keel.Benchmarks;

/// <summary>One load benchmark: it measures its own reference in the same run and prints the ratio.</summary>
internal interface IBenchmark
{
    string Name { get; }

    string Summary { get; }

    IReadOnlyList<IntOption> Options { get; }

    Task RunAsync(BenchmarkArgs args);
}
