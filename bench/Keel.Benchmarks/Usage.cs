using System.Text;

namespace Keel.Benchmarks;

internal static class Usage
{
    private const string Run = "dotnet run -c Release --project bench/Keel.Benchmarks --";

    public static string General(IReadOnlyList<IBenchmark> benchmarks)
    {
        var text = new StringBuilder()
            .AppendLine("Keel load benchmarks: each prints a ratio against a reference measured in the same run.")
            .AppendLine()
            .AppendLine($"usage: {Run} <benchmark> [options]")
            .AppendLine($"       {Run} <benchmark> --help")
            .AppendLine()
            .AppendLine("benchmarks:");
        foreach (var b in benchmarks)
        {
            text.AppendLine($"  {b.Name,-10} {b.Summary}");
        }
        return text.AppendLine().AppendLine("Exit code: 0 after a run (PASS/FAIL is printed), 1 if it could not run, 2 for bad arguments.").ToString();
    }

    public static string Of(IBenchmark benchmark)
    {
        var text = new StringBuilder()
            .AppendLine(benchmark.Summary)
            .AppendLine()
            .AppendLine($"usage: {Run} {benchmark.Name} [options]")
            .AppendLine()
            .AppendLine("options:");
        foreach (var o in benchmark.Options)
        {
            text.AppendLine($"  --{o.Name} <n>".PadRight(30) + $"{o.Help} (default {o.Default}, {o.Min}..{o.Max})");
        }
        return text.ToString();
    }
}
