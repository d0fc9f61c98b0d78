using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Keel.Web.Infrastructure;

/// <summary>Serves <see cref="StaticAssets"/> under <c>/static/…</c>.</summary>
internal static class StaticAssetEndpoints
{
    public static void MapStaticAssets(this IEndpointRouteBuilder ui) =>
        ui.MapMethods("/static/{**path}", [HttpMethods.Get, HttpMethods.Head], Serve);

    private static IResult Serve(string path, string? v, HttpContext context, StaticAssets assets)
    {
        if (!assets.TryGet(path, out var asset))
        {
            return TypedResults.Text($"No static file '{path}'.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
        }
        var etag = new EntityTagHeaderValue($"\"{asset.Hash}\"");
        // Only a URL naming the current hash may be cached for good; anything else revalidates.
        context.Response.Headers.CacheControl = v == asset.Hash ? "public, max-age=31536000, immutable" : "no-cache";
        return TypedResults.Bytes(asset.Content, asset.ContentType, entityTag: etag);
    }
}
