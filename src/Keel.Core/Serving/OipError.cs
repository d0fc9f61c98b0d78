namespace Keel.Core.Serving;

/// <summary>The Open Inference Protocol's error body, <c>{"error": "…"}</c>.</summary>
public static class OipError
{
    public static byte[] Write(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return JsonBytes.Write(json =>
        {
            json.WriteStartObject();
            json.WriteString("error", message);
            json.WriteEndObject();
        });
    }
}
