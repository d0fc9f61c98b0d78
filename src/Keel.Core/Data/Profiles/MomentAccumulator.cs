namespace Keel.Core.Data.Profiles;

/// <summary>
/// Count, min, max, mean and population standard deviation of finite numbers in one pass, by Welford's update.
/// Values are held scaled by a power of two (exact) so that |scaled| &lt; 1: squares of huge values such as 1e300
/// never overflow, and for values below 1 nothing is scaled, so the result is plain Welford.
/// </summary>
internal sealed class MomentAccumulator
{
    // Values are held as x * 2^-_exponent; the exponent only grows, rescaling what was gathered so far.
    private int _exponent;
    private double _mean;
    private double _m2;

    public long Count { get; private set; }

    public double Min { get; private set; }

    public double Max { get; private set; }

    public double Mean => Math.ScaleB(_mean, _exponent);

    public double Std => Count == 0 ? 0 : Math.ScaleB(Math.Sqrt(Math.Max(_m2, 0) / Count), _exponent);

    public void Add(double value)
    {
        if (Count == 0 || value < Min)
        {
            Min = value;
        }
        if (Count == 0 || value > Max)
        {
            Max = value;
        }

        if (value != 0)
        {
            var needed = Math.ILogB(value) + 1;
            if (needed > _exponent)
            {
                Rescale(needed);
            }
        }

        var scaled = Math.ScaleB(value, -_exponent);
        Count++;
        var delta = scaled - _mean;
        _mean += delta / Count;
        _m2 += delta * (scaled - _mean);
    }

    /// <summary>Adds another accumulator's values (Chan et al.'s pairwise combination).</summary>
    public void Merge(MomentAccumulator other)
    {
        if (other.Count == 0)
        {
            return;
        }
        if (Count == 0)
        {
            (_exponent, _mean, _m2, Count, Min, Max) = (other._exponent, other._mean, other._m2, other.Count, other.Min, other.Max);
            return;
        }

        var exponent = Math.Max(_exponent, other._exponent);
        Rescale(exponent);
        var shift = other._exponent - exponent;
        var otherMean = Math.ScaleB(other._mean, shift);
        var otherM2 = Math.ScaleB(other._m2, 2 * shift);
        var total = Count + other.Count;
        var delta = otherMean - _mean;
        _mean += delta * other.Count / total;
        _m2 += otherM2 + (delta * delta * Count * other.Count / total);
        Count = total;
        Min = Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
    }

    private void Rescale(int exponent)
    {
        var shift = _exponent - exponent;
        _mean = Math.ScaleB(_mean, shift);
        _m2 = Math.ScaleB(_m2, 2 * shift);
        _exponent = exponent;
    }
}
