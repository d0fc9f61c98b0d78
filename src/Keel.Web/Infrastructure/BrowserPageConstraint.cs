using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Keel.Web.Infrastructure;

/// <summary>
/// Matches requests a browser makes for a page (GET or HEAD accepting text/html) outside the APIs, so an unknown
/// page gets the UI's HTML 404 while API clients keep the server's JSON ENDPOINT_NOT_FOUND.
/// </summary>
internal sealed class BrowserPageConstraint : IRouteConstraint
{
    public const string Name = "keelbrowserpage";

    private static readonly string[] ApiPrefixes = ["/api/", "/ajax-api/", "/ui-api/", "/static/", "/health/", "/metrics"];

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection)
    {
        if (httpContext is null)
        {
            return false;
        }
        var request = httpContext.Request;
        var path = request.Path.Value ?? "/";
        return (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            && request.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase))
            && !ApiPrefixes.Any(p => path.StartsWith(p, StringComparison.OrdinalIgnoreCase));
    }
}
