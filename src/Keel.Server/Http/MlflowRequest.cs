using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Keel.Contracts.Mlflow;
using Keel.Core.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Keel.Server.Http;

/// <summary>Reads MLflow request messages: a JSON body for POST, the query string for GET.</summary>
internal static class MlflowRequest
{
    public static async Task<T> ReadBodyAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo)
        where T : new()
    {
        if (context.Request.ContentLength == 0)
        {
            return new T();
        }
        try
        {
            var value = await JsonSerializer.DeserializeAsync(context.Request.Body, ResolveInfo(typeInfo), context.RequestAborted);
            return value ?? new T();
        }
        catch (JsonException e)
        {
            throw KeelException.InvalidParameter(DescribeJsonError(e));
        }
    }

    /// <summary>
    /// For DELETE: MLflow's clients send a JSON body, but a request without any body (fields in the query
    /// string instead) reads as an empty message rather than malformed JSON.
    /// </summary>
    public static Task<T> ReadOptionalBodyAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo)
        where T : new() =>
        context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false }
            ? Task.FromResult(new T())
            : ReadBodyAsync(context, typeInfo);

    // The options in MlflowJson carry the empty-list modifier; the context's own info does not.
    private static JsonTypeInfo<T> ResolveInfo<T>(JsonTypeInfo<T> typeInfo) =>
        (JsonTypeInfo<T>)MlflowJson.Options.GetTypeInfo(typeInfo.Type);

    // The serializer's own message names .NET types; the client needs the field and where the bad value sits.
    private static string DescribeJsonError(JsonException e)
    {
        var where = e.LineNumber is { } line ? $" (line {line + 1}, position {e.BytePositionInLine + 1})" : "";
        var field = e.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : null;
        return field is null
            ? $"Malformed JSON in request body{where}."
            : $"Invalid value for parameter '{field}': wrong type or malformed value{where}.";
    }

    public static string? Query(HttpContext context, string name) =>
        context.Request.Query.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;

    public static long? QueryInt64(HttpContext context, string name)
    {
        var raw = Query(context, name);
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }
        return long.TryParse(raw, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw KeelException.InvalidParameter($"Invalid value '{raw}' for parameter '{name}': expected an integer.");
    }

    public static IReadOnlyList<string> QueryAll(HttpContext context, string name) =>
        context.Request.Query.TryGetValue(name, out var values)
            ? values.Where(v => v is not null).Select(v => v!).ToArray()
            : [];

    private static readonly EmptyResponse Empty = new();

    /// <summary>MLflow's answer to a write that returns nothing: <c>{}</c>.</summary>
    public static IResult OkEmpty() => Ok(Empty, MlflowJsonContext.Default.EmptyResponse);

    public static IResult Ok<T>(T value, JsonTypeInfo<T> typeInfo) =>
        Results.Json(value, ResolveInfo(typeInfo));
}
