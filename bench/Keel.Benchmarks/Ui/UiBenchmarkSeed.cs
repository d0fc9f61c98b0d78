using Keel.Core.Tracking;

namespace Keel.Benchmarks;

/// <summary>Seeds the UI benchmark straight through the tracking store, in large batches (not one HTTP call per run).</summary>
internal static class UiBenchmarkSeed
{
    public static async Task<(string ExperimentId, string ChartRunId)> SeedAsync(
        ITrackingStore store, int runs, int metrics, int parameters, int points, int batch)
    {
        var experimentId = await store.CreateExperimentAsync(
            new NewExperiment($"ui-bench-{Guid.NewGuid():N}", null, [], 1_700_000_000_000), TrackingService.DefaultArtifactRoot);
        var random = new Random(42);
        for (var i = 0; i < runs; i++)
        {
            var runId = Guid.NewGuid().ToString("N");
            var start = 1_700_000_000_000L + i * 1000L;
            await store.CreateRunAsync(new NewRun(runId, experimentId, "bench", $"run-{i}", start,
                $"{TrackingService.DefaultArtifactRoot}{experimentId}/{runId}/artifacts", [new Tag(TrackingService.RunNameTag, $"run-{i}")]));
            var values = Enumerable.Range(0, metrics).Select(m => new Metric($"m{m}", random.NextDouble(), start, 0)).ToArray();
            var ps = Enumerable.Range(0, parameters).Select(p => new Param($"p{p}", $"v{random.Next(5)}")).ToArray();
            await store.LogBatchAsync(runId, values, ps, []);
        }

        var chartRunId = Guid.NewGuid().ToString("N");
        await store.CreateRunAsync(new NewRun(chartRunId, experimentId, "bench", "long-history", 1_600_000_000_000,
            $"{TrackingService.DefaultArtifactRoot}{experimentId}/{chartRunId}/artifacts", [new Tag(TrackingService.RunNameTag, "long-history")]));
        for (var offset = 0; offset < points; offset += batch)
        {
            var chunk = Enumerable.Range(offset, Math.Min(batch, points - offset))
                .Select(step => new Metric("loss", Math.Exp(-step / (points / 5.0)) + random.NextDouble() * 0.05, 1_600_000_000_000 + step * 10L, step))
                .ToArray();
            await store.LogBatchAsync(chartRunId, chunk, [], []);
        }
        return (experimentId, chartRunId);
    }
}
