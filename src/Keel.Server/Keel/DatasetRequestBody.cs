using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Keel.Core.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Keel.Server.KeelApi;

/// <summary>Reads JSON bodies and query values of the dataset and data object endpoints; malformed input is a 400 naming the field.</summary>
internal static class DatasetRequestBody
{
    /// <summary>The body, or an empty request (<paramref name="empty"/>) when there is none.</summary>
    public static async Task<T> ReadAsync<T>(HttpContext http, JsonTypeInfo<T> typeInfo, T empty)
        where T : class
    {
        if (http.Request.ContentLength == 0 || http.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            return empty;
        }
        try
        {
            return await JsonSerializer.DeserializeAsync(http.Request.Body, typeInfo, http.RequestAborted) ?? empty;
        }
        catch (JsonException e)
        {
            var field = e.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : null;
            throw KeelException.InvalidParameter(field is null
                ? "Malformed JSON in request body."
                : $"Invalid value for parameter '{field}': wrong type or malformed value.");
        }
    }

    /// <summary>The last value of query parameter <paramref name="name"/>, or null.</summary>
    public static string? Query(HttpContext http, string name) =>
        http.Request.Query.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;

    /// <summary>A whole-number query parameter, or null when absent.</summary>
    public static long? QueryNumber(HttpContext http, string name)
    {
        var text = Query(http, name);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw KeelException.InvalidParameter($"Invalid value '{text}' for parameter '{name}': expected a whole number.");
    }
}
