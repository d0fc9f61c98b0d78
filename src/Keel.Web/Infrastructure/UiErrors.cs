using Keel.Core.Artifacts;
using Keel.Core.Common;
using Microsoft.AspNetCore.Http;

namespace Keel.Web.Infrastructure;

/// <summary>
/// Turns Keel's errors in UI handlers into the UI's HTML error page (the API's middleware would answer JSON).
/// Handlers load everything before returning their page, so errors surface here, not mid-render.
/// </summary>
internal static class UiErrors
{
    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (KeelException e)
        {
            return e.Code switch
            {
                ErrorCode.ResourceDoesNotExist => UiResults.NotFound(e.Message),
                ErrorCode.InternalError => UiResults.Error(StatusCodes.Status500InternalServerError, "Server error", e.Message),
                _ => UiResults.Error(StatusCodes.Status400BadRequest, "Bad request", e.Message),
            };
        }
        catch (Exception e) when (e is StoreUnavailableException or BlobStoreUnavailableException)
        {
            context.HttpContext.Response.Headers.RetryAfter = "5";
            return UiResults.Error(StatusCodes.Status503ServiceUnavailable, "Temporarily unavailable",
                $"A store Keel needs is unavailable; reload the page in a few seconds. ({e.Message})");
        }
    }
}
