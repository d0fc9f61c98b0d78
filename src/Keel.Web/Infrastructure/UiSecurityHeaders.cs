using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Keel.Web.Infrastructure;

/// <summary>Marks an endpoint as part of the web UI, so it gets <see cref="UiSecurityHeaders"/>.</summary>
public sealed class UiEndpointMetadata
{
    public static UiEndpointMetadata Instance { get; } = new();
}

/// <summary>
/// The headers every UI response carries. The policy allows no inline script or style at all: pages pass data to
/// their scripts through data- attributes and /ui-api JSON, so an injected tag could not run even if encoding failed.
/// </summary>
public static class UiSecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    internal static IApplicationBuilder UseUiSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<UiEndpointMetadata>() is not null)
            {
                context.Response.OnStarting(() =>
                {
                    Apply(context.Response.Headers);
                    return Task.CompletedTask;
                });
            }
            return next(context);
        });

    private static void Apply(IHeaderDictionary headers)
    {
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        headers.XFrameOptions = "DENY";
    }
}
