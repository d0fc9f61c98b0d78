using Keel.Contracts.Mlflow;

namespace Keel.Client.Internal;

/// <summary>MLflow's log-batch limits, and the split of a large batch into requests that respect them.</summary>
internal static class LogBatchLimits
{
    public const int MaxEntities = 1000;
    public const int MaxParams = 100;
    public const int MaxTags = 100;

    /// <summary>Requests of at most 100 params, 100 tags and <paramref name="maxMetrics"/> metrics, 1000 in all; at least one.</summary>
    public static IEnumerable<LogBatchRequest> Split(
        string runId, IReadOnlyList<MetricDto> metrics, IReadOnlyList<KeyValue> parameters, IReadOnlyList<KeyValue> tags, int maxMetrics)
    {
        int m = 0, p = 0, t = 0;
        do
        {
            var paramCount = Math.Min(MaxParams, parameters.Count - p);
            var tagCount = Math.Min(MaxTags, tags.Count - t);
            var metricCount = Math.Min(Math.Min(maxMetrics, MaxEntities - paramCount - tagCount), metrics.Count - m);
            yield return new LogBatchRequest
            {
                RunId = runId,
                Params = Slice(parameters, p, paramCount),
                Tags = Slice(tags, t, tagCount),
                Metrics = Slice(metrics, m, metricCount),
            };
            p += paramCount;
            t += tagCount;
            m += metricCount;
        }
        while (p < parameters.Count || t < tags.Count || m < metrics.Count);
    }

    private static T[] Slice<T>(IReadOnlyList<T> list, int start, int count)
    {
        var slice = new T[count];
        for (var i = 0; i < count; i++)
        {
            slice[i] = list[start + i];
        }
        return slice;
    }
}
