using System.Buffers;
using System.Text.Json;

namespace Keel.Benchmarks;

/// <summary>
/// The points both phases of the log-batch benchmark write, so reference and server store the same rows:
/// request r of a run holds n points over 100 keys, steps increasing from request to request, timestamp
/// following step. No two points collide, so none collapses into an existing row.
/// </summary>
internal sealed class MetricPattern(int metricsPerRequest)
{
    public const int KeyCount = 100;
    private const long BaseTimestamp = 1_700_000_000_000;

    private static readonly JsonEncodedText[] Keys =
        Enumerable.Range(0, KeyCount).Select(k => JsonEncodedText.Encode(KeyName(k))).ToArray();

    private static readonly JsonEncodedText RunId = JsonEncodedText.Encode("run_id");
    private static readonly JsonEncodedText Metrics = JsonEncodedText.Encode("metrics");
    private static readonly JsonEncodedText Key = JsonEncodedText.Encode("key");
    private static readonly JsonEncodedText Value = JsonEncodedText.Encode("value");
    private static readonly JsonEncodedText Timestamp = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText Step = JsonEncodedText.Encode("step");

    private readonly int _stepsPerRequest = (metricsPerRequest + KeyCount - 1) / KeyCount;

    public int MetricsPerRequest => metricsPerRequest;

    public static string KeyName(int key) => $"m{key:00}";

    public (int Key, long Step, long Timestamp) Point(long request, int i)
    {
        var step = request * _stepsPerRequest + i / KeyCount;
        return (i % KeyCount, step, BaseTimestamp + step);
    }

    /// <summary>Writes the log-batch body of one request; values come from <paramref name="random"/>.</summary>
    public void WriteBody(IBufferWriter<byte> buffer, string runId, long request, Random random)
    {
        using var json = new Utf8JsonWriter(buffer);
        json.WriteStartObject();
        json.WriteString(RunId, runId);
        json.WriteStartArray(Metrics);
        for (var i = 0; i < metricsPerRequest; i++)
        {
            var (key, step, timestamp) = Point(request, i);
            json.WriteStartObject();
            json.WriteString(Key, Keys[key]);
            json.WriteNumber(Value, random.NextDouble());
            json.WriteNumber(Timestamp, timestamp);
            json.WriteNumber(Step, step);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
