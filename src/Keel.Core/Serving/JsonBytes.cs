using System.Text.Json;

namespace Keel.Core.Serving;

internal static class JsonBytes
{
    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        return buffer.WrittenSpan.ToArray();
    }

    // Malformed JSON is the client's mistake, so it becomes INVALID_PARAMETER_VALUE like any other bad input.
    public static JsonDocument Parse(ReadOnlySpan<byte> body, string what)
    {
        try
        {
            return JsonDocument.Parse(body.ToArray());
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw Common.KeelException.InvalidParameter($"{what} is not valid JSON: {e.Message}");
        }
    }

    public static string Quoted(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
}
