using Keel.Benchmarks;

// Each benchmark measures its reference in the same run and prints the ratio; see docs/benchmarks.md.
IBenchmark[] benchmarks = [new LogBatchBenchmark(), new SearchBenchmark(), new HistoryBenchmark(), new ServingBenchmark(), new ServingLoggingBenchmark(),
    new DataAddBenchmark(), new DataDedupBenchmark(), new DataStatusBenchmark(), new DataTransferBenchmark(),
    new PostgresLogBatchBenchmark(), new ReplicasBenchmark(), new S3ArtifactsBenchmark(), new S3DataBenchmark(),
    new DriftBenchmark(), new UiBenchmark(), new PipelineNoopBenchmark(), new PipelineCachedBenchmark(),
    new PipelineWorkerStartBenchmark()];

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.Out.Write(Usage.General(benchmarks));
    return args.Length == 0 ? 2 : 0;
}

var benchmark = benchmarks.FirstOrDefault(b => b.Name == args[0]);
if (benchmark is null)
{
    Console.Error.WriteLine($"error: unknown benchmark '{args[0]}'; expected one of: {string.Join(", ", benchmarks.Select(b => b.Name))} (see --help)");
    return 2;
}
if (args.Skip(1).Any(a => a is "-h" or "--help"))
{
    Console.Out.Write(Usage.Of(benchmark));
    return 0;
}

BenchmarkArgs options;
try
{
    options = BenchmarkArgs.Parse(args.AsSpan(1), benchmark.Options);
}
catch (UsageException e)
{
    Console.Error.WriteLine($"error: {e.Message} (see '{benchmark.Name} --help')");
    return 2;
}

// The ratio decides PASS/FAIL in the output, never the exit code: noisy machines must not break scripts.
try
{
    await benchmark.RunAsync(options);
    return 0;
}
catch (Exception e) when (e is InvalidOperationException or HttpRequestException or IOException or Microsoft.Data.Sqlite.SqliteException or Keel.Core.Common.KeelException
    or Npgsql.NpgsqlException)
{
    Console.Error.WriteLine($"error: the {benchmark.Name} benchmark could not run: {e.Message}");
    return 1;
}
