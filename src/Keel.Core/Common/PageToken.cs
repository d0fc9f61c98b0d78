using System.Text;
using System.Text.Json;

namespace Keel.Core.Common;

/// <summary>
/// Offset page tokens in MLflow's own form: base64 of <c>{"offset": N}</c>, so tokens from either
/// server look alike and a client may not tell them apart.
/// </summary>
public static class PageToken
{
    public static string Encode(long offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"offset\": {offset}}}"));

    /// <summary>Returns the offset a token names, 0 for none; a malformed token is INVALID_PARAMETER_VALUE.</summary>
    public static long DecodeOffset(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return 0;
        }
        try
        {
            var bytes = Convert.FromBase64String(token);
            using var doc = JsonDocument.Parse(bytes);
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("offset", out var offset)
                && offset.TryGetInt64(out var value) && value >= 0)
            {
                return value;
            }
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            // fall through to the uniform error below
        }
        throw KeelException.InvalidParameter($"Invalid page token '{token}': expected a token returned by a previous search.");
    }
}
