using System.Text.Json;
using Keel.Contracts.Mlflow;
using Keel.Core.Common;
using Microsoft.AspNetCore.Http;

namespace Keel.Serving.Http;

/// <summary>Why a scoring request was refused: its HTTP status, the metrics' error kind, MLflow's error code and the message.</summary>
internal sealed record ServingFailure(int Status, string Kind, string ErrorCode, string Message)
{
    public static ServingFailure NotReady(string modelUri) => new(
        StatusCodes.Status503ServiceUnavailable, "not_ready", ErrorCodes.InvalidState, $"No version of {modelUri} has loaded yet; retry shortly.");

    public static ServingFailure NotFound(string message) => new(
        StatusCodes.Status404NotFound, "not_found", ErrorCodes.ResourceDoesNotExist, message);

    public static ServingFailure UnsupportedMediaType(string message) => new(
        StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", ErrorCodes.BadRequest, message);
}

/// <summary>Thrown by an endpoint to refuse a request with exactly this failure.</summary>
internal sealed class ServingFailureException(ServingFailure failure) : Exception(failure.Message)
{
    public ServingFailure Failure { get; } = failure;
}

/// <summary>The one place where the serving host turns a failure into a protocol's error JSON and status.</summary>
internal static class ServingErrors
{
    /// <summary>The failure a request's exception stands for, or null when it is the server's own fault (a 500).</summary>
    public static ServingFailure? Classify(Exception e, long maxRequestBytes) => e switch
    {
        ServingFailureException refused => refused.Failure,
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new(
            StatusCodes.Status413PayloadTooLarge, "payload_too_large", ErrorCodes.BadRequest,
            $"The request body is larger than this server's limit of {maxRequestBytes} bytes (--max-request-bytes)."),
        BadHttpRequestException bad => new(bad.StatusCode, "bad_request", ErrorCodes.BadRequest, bad.Message),
        KeelException { Code: ErrorCode.ResourceDoesNotExist } missing => ServingFailure.NotFound(missing.Message),
        KeelException { Code: ErrorCode.InternalError } => null,
        KeelException keel => new(StatusCodes.Status400BadRequest, "bad_request", WireCode(keel.Code), keel.Message),
        JsonException json => new(StatusCodes.Status400BadRequest, "bad_request", ErrorCodes.BadRequest, $"Malformed JSON: {json.Message}"),
        FormatException or OverflowException or InvalidCastException => new(
            StatusCodes.Status400BadRequest, "bad_request", ErrorCodes.BadRequest, e.Message),
        // DataBatch and DataColumn refuse uneven or duplicated columns with ArgumentException: the request's shape, not a bug.
        ArgumentException and not ArgumentNullException => new(
            StatusCodes.Status400BadRequest, "bad_request", ErrorCodes.BadRequest, e.Message),
        _ => null,
    };

    public static ServingFailure Internal { get; } = new(
        StatusCodes.Status500InternalServerError, "internal", ErrorCodes.InternalError, "Internal server error.");

    /// <summary>MLflow's scoring server answers <c>{"error_code": …, "message": …}</c>.</summary>
    public static Task WriteMlflowAsync(HttpContext context, ServingFailure failure) =>
        WriteJsonAsync(context, failure.Status, json =>
        {
            json.WriteString("error_code", failure.ErrorCode);
            json.WriteString("message", failure.Message);
        });

    /// <summary>The Open Inference Protocol answers <c>{"error": …}</c>.</summary>
    public static Task WriteOipAsync(HttpContext context, ServingFailure failure) =>
        WriteJsonAsync(context, failure.Status, json => json.WriteString("error", failure.Message));

    public static Task EndpointNotFound(HttpContext context)
    {
        var message = $"No endpoint {context.Request.Method} {context.Request.Path}.";
        var failure = ServingFailure.NotFound(message) with { ErrorCode = ErrorCodes.EndpointNotFound };
        return context.Request.Path.StartsWithSegments("/v2", StringComparison.Ordinal)
            ? WriteOipAsync(context, failure)
            : WriteMlflowAsync(context, failure);
    }

    public static async Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> writeProperties)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await using (var json = new Utf8JsonWriter(context.Response.Body))
        {
            json.WriteStartObject();
            writeProperties(json);
            json.WriteEndObject();
        }
    }

    private static string WireCode(ErrorCode code) => code switch
    {
        ErrorCode.InvalidParameterValue => ErrorCodes.InvalidParameterValue,
        ErrorCode.ResourceAlreadyExists => ErrorCodes.ResourceAlreadyExists,
        ErrorCode.InvalidState => ErrorCodes.InvalidState,
        _ => ErrorCodes.BadRequest,
    };
}
