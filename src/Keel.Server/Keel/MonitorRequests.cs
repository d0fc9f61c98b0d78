using System.Globalization;
using System.Text;
using System.Text.Json;
using Keel.Contracts.KeelApi;
using Keel.Core.Common;
using Keel.Core.Monitoring.Monitors;
using Microsoft.AspNetCore.Http;

namespace Keel.Server.KeelApi;

/// <summary>Reads monitor request bodies (JSON or YAML, both through <see cref="MonitorYaml"/>) and query values; bad input is a 400 naming the field.</summary>
internal static class MonitorRequests
{
    /// <summary>The largest monitor spec body, in bytes.</summary>
    public const int MaxSpecBytes = 1 << 20;

    private static readonly string[] YamlMediaTypes = [MonitorRoutes.YamlMediaType, "application/x-yaml", "text/yaml", "text/x-yaml"];

    /// <summary>
    /// The spec in the body: YAML with a YAML content type, else JSON of the same shape. <paramref name="name"/> (the
    /// path's, on update) names a spec without one and must match one that has it.
    /// </summary>
    public static async Task<MonitorSpec> ReadSpecAsync(HttpContext http, string? name)
    {
        var text = await ReadTextAsync(http);
        if (text.Trim().Length == 0)
        {
            throw KeelException.InvalidParameter("Missing request body: send the monitor spec as JSON, or as YAML with Content-Type: application/yaml.");
        }
        var mediaType = http.Request.ContentType?.Split(';')[0].Trim();
        if (!YamlMediaTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
        {
            try
            {
                using var _ = JsonDocument.Parse(text);
            }
            catch (JsonException e)
            {
                throw KeelException.InvalidParameter(
                    $"Malformed JSON in request body ({e.Message}); send YAML with Content-Type: {MonitorRoutes.YamlMediaType}.");
            }
        }
        return MonitorYaml.Parse(text, name);
    }

    /// <summary>The optional run time of <c>POST monitors/{name}/run</c> (<c>{"at": "2025-03-01T12:00:00Z"}</c>).</summary>
    public static async Task<DateTimeOffset?> ReadRunAtAsync(HttpContext http)
    {
        var text = await ReadTextAsync(http);
        if (text.Trim().Length == 0)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(text, MonitorJsonContext.Default.RunMonitorRequest)?.At;
        }
        catch (JsonException e)
        {
            throw KeelException.InvalidParameter(e.Path is "$.at"
                ? "Invalid value for parameter 'at': expected an ISO 8601 time such as 2025-03-01T12:00:00Z."
                : "Malformed JSON in request body: expected {\"at\": \"<ISO 8601 time>\"} or nothing.");
        }
    }

    public static string? Query(HttpContext http, string name) =>
        http.Request.Query.TryGetValue(name, out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[^1]) ? values[^1] : null;

    /// <summary>A time query parameter: ISO 8601 or epoch milliseconds; null when absent.</summary>
    public static DateTimeOffset? QueryTime(HttpContext http, string name)
    {
        var text = Query(http, name);
        if (text is null)
        {
            return null;
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms))
        {
            return ms is >= 0 and <= 253_402_300_799_999 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : throw BadTime(text, name);
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : throw BadTime(text, name);
    }

    public static int? QueryInt(HttpContext http, string name)
    {
        var text = Query(http, name);
        return text is null ? null
            : int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? number
            : throw KeelException.InvalidParameter($"Invalid value '{text}' for parameter '{name}': expected a whole number.");
    }

    private static async Task<string> ReadTextAsync(HttpContext http)
    {
        if (http.Request.ContentLength > MaxSpecBytes)
        {
            throw KeelException.InvalidParameter($"The request body exceeds {MaxSpecBytes} bytes.");
        }
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var text = new StringBuilder();
        var buffer = new char[8192];
        int read;
        while ((read = await reader.ReadAsync(buffer, http.RequestAborted)) > 0)
        {
            text.Append(buffer, 0, read);
            if (text.Length > MaxSpecBytes)
            {
                throw KeelException.InvalidParameter($"The request body exceeds {MaxSpecBytes} bytes.");
            }
        }
        return text.ToString();
    }

    private static KeelException BadTime(string text, string name) =>
        KeelException.InvalidParameter($"Invalid value '{text}' for parameter '{name}': expected an ISO 8601 time or epoch milliseconds.");
}
