using Keel.Core.Monitoring;
using Keel.Core.Monitoring.PredictionLogs;

namespace Keel.Monitoring.Runner;

/// <summary>
/// Serving health from logged records: requests are distinct request ids of answered (non-shadow) rows; an error is a
/// request answered with status ≥ 400; latencies are per request, percentiles interpolated linearly between ranks
/// (numpy's default).
/// </summary>
public static class ServingStatsCalculator
{
    public static ServingStats From(IEnumerable<PredictionRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var requests = records.Where(r => !r.Shadow)
            .GroupBy(r => r.RequestId, StringComparer.Ordinal)
            .Select(g => (Status: g.Max(r => r.Status), Latency: g.First().LatencyMs))
            .ToList();
        if (requests.Count == 0)
        {
            return new ServingStats(0, 0, 0, null, null);
        }
        var errors = requests.Count(r => r.Status >= 400);
        var latencies = requests.Select(r => r.Latency).Where(double.IsFinite).Order().ToArray();
        return new ServingStats(requests.Count, errors, (double)errors / requests.Count,
            latencies.Length == 0 ? null : Percentile(latencies, 0.50), latencies.Length == 0 ? null : Percentile(latencies, 0.99));
    }

    /// <summary>The <paramref name="q"/> quantile of sorted values, interpolating linearly between closest ranks.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        var position = q * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (position - lower));
    }
}
