using System.Globalization;
using System.Text.Json;

namespace Keel.Core.Tests.Monitoring;

/// <summary>
/// Reads the reference values scipy, numpy and scikit-learn produced (scripts/reference-stats/generate.py), with
/// the exact input arrays they were computed from.
/// </summary>
internal static class ReferenceFixtures
{
    /// <summary>Statistics must match within this (absolute, or relative above 1).</summary>
    public const double StatisticTolerance = 1e-9;

    /// <summary>p-values must match within this, absolute and relative.</summary>
    public const double PValueTolerance = 1e-6;

    private static readonly Lazy<Dictionary<string, double[]>> Pool = new(() =>
    {
        using var document = Load("pool.json");
        return document.RootElement.GetProperty("arrays").EnumerateObject().ToDictionary(p => p.Name, p => Numbers(p.Value));
    });

    public static JsonDocument Load(string file) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Monitoring", "Fixtures", file)));

    public static TheoryData<string> CaseNames(string file, string collection = "cases")
    {
        using var document = Load(file);
        return new TheoryData<string>(document.RootElement.GetProperty(collection).EnumerateArray().Select(c => c.GetProperty("name").GetString()!));
    }

    public static JsonElement Case(string file, string name, string collection = "cases")
    {
        using var document = Load(file);
        return document.RootElement.GetProperty(collection).EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).Clone();
    }

    /// <summary>A number; the script writes infinities and NaN as "inf", "-inf", "nan".</summary>
    public static double Number(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.String => element.GetString() switch
        {
            "inf" => double.PositiveInfinity,
            "-inf" => double.NegativeInfinity,
            "nan" => double.NaN,
            var other => throw new FormatException($"not a number: {other}"),
        },
        _ => throw new FormatException($"not a number: {element}"),
    };

    public static double[] Numbers(JsonElement element) => element.EnumerateArray().Select(Number).ToArray();

    public static string[] Strings(JsonElement element) => element.EnumerateArray().Select(e => e.GetString()!).ToArray();

    /// <summary>An inline array, or {"pool", "take", "scale", "shift"}: pool[..take] · scale + shift, as numpy computed it.</summary>
    public static double[] Sample(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            return Numbers(element);
        }
        var source = Pool.Value[element.GetProperty("pool").GetString()!];
        var take = element.GetProperty("take").GetInt32();
        var scale = element.GetProperty("scale").GetDouble();
        var shift = element.GetProperty("shift").GetDouble();
        var values = new double[take];
        for (var i = 0; i < take; i++)
        {
            values[i] = source[i] * scale + shift;
        }
        return values;
    }

    public static void AssertStatistic(double expected, double actual, string what) => AssertClose(expected, actual, StatisticTolerance, what);

    public static void AssertPValue(double expected, double actual, string what) => AssertClose(expected, actual, PValueTolerance, what);

    private static void AssertClose(double expected, double actual, double tolerance, string what)
    {
        if (double.IsInfinity(expected) || double.IsNaN(expected))
        {
            Assert.Equal(expected, actual);
            return;
        }
        var allowed = tolerance * Math.Max(1.0, Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= allowed,
            string.Create(CultureInfo.InvariantCulture, $"{what}: expected {expected:R}, got {actual:R} (difference {Math.Abs(expected - actual):E2} > {allowed:E2})"));
    }

    /// <summary>For p-values that can be tiny: also within the tolerance relative to the expected value.</summary>
    public static void AssertPValueRelative(double expected, double actual, string what)
    {
        AssertPValue(expected, actual, what);
        if (expected > 1e-300)
        {
            Assert.True(Math.Abs(expected - actual) <= PValueTolerance * expected,
                string.Create(CultureInfo.InvariantCulture, $"{what}: expected {expected:R}, got {actual:R} (relative difference {Math.Abs(expected - actual) / expected:E2})"));
        }
    }
}
