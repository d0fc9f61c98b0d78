using Keel.Core.Tracking;

namespace Keel.Web.Api;

/// <summary>
/// Reduces a metric history (ordered by step) to at most a given number of points for drawing, keeping each bucket's
/// lowest and highest point in their original order, so spikes and dips survive while the line's shape stays.
/// </summary>
public static class MetricDownsampler
{
    /// <summary>The points of <paramref name="points"/> to draw: all of them when they fit, else ≤ <paramref name="maxPoints"/>.</summary>
    public static IReadOnlyList<Metric> Downsample(IReadOnlyList<Metric> points, int maxPoints)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 2);
        if (points.Count <= maxPoints)
        {
            return points;
        }
        var buckets = maxPoints / 2;
        var result = new List<Metric>(buckets * 2);
        for (var b = 0; b < buckets; b++)
        {
            // Bucket by index: histories are dense in steps, and equal counts keep every bucket's work the same.
            var start = (int)((long)b * points.Count / buckets);
            var end = (int)((long)(b + 1) * points.Count / buckets);
            int low = start, high = start;
            for (var i = start + 1; i < end; i++)
            {
                // NaN compares false both ways: a NaN point is never chosen over a number.
                if (points[i].Value < points[low].Value || double.IsNaN(points[low].Value))
                {
                    low = i;
                }
                if (points[i].Value > points[high].Value || double.IsNaN(points[high].Value))
                {
                    high = i;
                }
            }
            result.Add(points[Math.Min(low, high)]);
            if (low != high)
            {
                result.Add(points[Math.Max(low, high)]);
            }
        }
        return result;
    }
}
