using Microsoft.ML.Data;

namespace Keel.Models.Tests.Onnx;

/// <summary>One synthetic training row: three float columns and a two-value vector, a binary and a numeric label.</summary>
public sealed class SyntheticRow
{
    public float A { get; set; }

    public float B { get; set; }

    public float C { get; set; }

    [VectorType(2)]
    public float[] V { get; set; } = [];

    public bool Label { get; set; }

    public float Target { get; set; }

    /// <summary><paramref name="count"/> rows drawn from a fixed seed, so every run trains the same models.</summary>
    public static SyntheticRow[] Generate(int count, int seed = 42)
    {
        var random = new Random(seed);
        float Uniform(double low, double high) => (float)(low + (random.NextDouble() * (high - low)));
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var row = new SyntheticRow { A = Uniform(-2, 2), B = Uniform(0, 10), C = Uniform(-1, 1), V = [Uniform(-3, 3), Uniform(5, 6)] };
            var noise = Uniform(-0.5, 0.5);
            row.Label = (1.5 * row.A) - (0.4 * (row.B - 5)) + row.C + row.V[0] - (2 * (row.V[1] - 5.5)) + noise > 0;
            row.Target = (float)((3 * row.A) - (0.5 * row.B) + (2 * row.C) + (0.5 * row.V[0]) + row.V[1] + noise);
            return row;
        })];
    }
}
