using System.Text.Json;
using Keel.Contracts.Mlflow;
using Keel.Core.Artifacts;
using Keel.Core.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Keel.Server.Errors;

/// <summary>The one place where Keel errors become MLflow error JSON and an HTTP status.</summary>
public static partial class MlflowErrors
{
    public static IApplicationBuilder UseMlflowErrors(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (KeelException e) when (!context.Response.HasStarted)
            {
                await WriteAsync(context, StatusFor(e.Code), WireCode(e.Code), e.Message);
            }
            catch (BlobStoreUnavailableException e) when (!context.Response.HasStarted)
            {
                // The store, not the request, is at fault: metadata calls keep working, and clients retry artifact calls.
                LogBlobStoreUnavailable(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MlflowErrors)),
                    e, context.Request.Path);
                await WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ErrorCodes.TemporarilyUnavailable,
                    $"The artifact store is unavailable; try again later. ({e.Message})", BlobStoreRetryAfterSeconds);
            }
            catch (StoreUnavailableException e) when (!context.Response.HasStarted)
            {
                // The database is away: the request was fine and may be sent again once it is back (the message says
                // when a write's outcome is unknown). Readiness turns false meanwhile, so balancers route elsewhere.
                LogMetadataStoreUnavailable(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MlflowErrors)),
                    e, context.Request.Path);
                await WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ErrorCodes.TemporarilyUnavailable,
                    e.Message, MetadataStoreRetryAfterSeconds);
            }
            catch (BadHttpRequestException e) when (!context.Response.HasStarted)
            {
                await WriteAsync(context, e.StatusCode, ErrorCodes.BadRequest, e.Message);
            }
            catch (Exception e) when (!context.Response.HasStarted && e is not OperationCanceledException)
            {
                LogUnhandled(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MlflowErrors)),
                    e, context.Request.Path);
                await WriteAsync(context, StatusCodes.Status500InternalServerError, ErrorCodes.InternalError, "Internal server error.");
            }
        });

    public static Task EndpointNotFound(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status404NotFound, ErrorCodes.EndpointNotFound,
            $"No API endpoint {context.Request.Method} {context.Request.Path}.");

    public static int StatusFor(ErrorCode code) => code switch
    {
        ErrorCode.ResourceDoesNotExist => StatusCodes.Status404NotFound,
        ErrorCode.InternalError => StatusCodes.Status500InternalServerError,
        _ => StatusCodes.Status400BadRequest,
    };

    public static string WireCode(ErrorCode code) => code switch
    {
        ErrorCode.InvalidParameterValue => ErrorCodes.InvalidParameterValue,
        ErrorCode.ResourceDoesNotExist => ErrorCodes.ResourceDoesNotExist,
        ErrorCode.ResourceAlreadyExists => ErrorCodes.ResourceAlreadyExists,
        ErrorCode.InvalidState => ErrorCodes.InvalidState,
        ErrorCode.BadRequest => ErrorCodes.BadRequest,
        _ => ErrorCodes.InternalError,
    };

    private static async Task WriteAsync(HttpContext context, int status, string code, string message, string? retryAfterSeconds = null)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        if (retryAfterSeconds is not null)
        {
            context.Response.Headers.RetryAfter = retryAfterSeconds;
        }
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, new ErrorResponse(code, message),
            MlflowJsonContext.Default.ErrorResponse, context.RequestAborted);
    }

    private const string BlobStoreRetryAfterSeconds = "5";

    // Shorter than the artifact store's: a database restart or failover usually takes seconds.
    private const string MetadataStoreRetryAfterSeconds = "2";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Artifact store unavailable on {Path}")]
    private static partial void LogBlobStoreUnavailable(ILogger logger, Exception exception, PathString path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Metadata store unavailable on {Path}")]
    private static partial void LogMetadataStoreUnavailable(ILogger logger, Exception exception, PathString path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, PathString path);
}
