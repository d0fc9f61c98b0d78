using System.Globalization;
using Keel.Contracts.KeelApi;
using Keel.Core.Common;
using Keel.Core.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Keel.Server.KeelApi;

/// <summary>
/// <c>/api/keel/v1/data/objects</c>: content-addressed data chunks and manifests for <c>keel data push</c> and
/// <c>pull</c>. Bodies are objects in stored form: plain content, or an envelope (compressed, or a delta against an
/// object the server already holds; see <see cref="Core.Data.Storage.StoredObjectHeader"/>). Uploads are decoded and
/// verified against their hash before they become visible; downloads return the stored form, which the client decodes
/// and verifies. An object is immutable once stored.
/// </summary>
public static class DataObjectEndpoints
{
    private const string OctetStream = "application/octet-stream";
    private const string ByHash = KeelRoutes.DataObjects + "/{hash}";

    public static IEndpointRouteBuilder MapDataObjectEndpoints(this IEndpointRouteBuilder group)
    {
        group.MapPost(KeelRoutes.DataObjects + "/missing", FindMissingAsync);
        group.MapPut(ByHash, PutAsync);
        group.MapGet(ByHash, GetAsync);
        return group;
    }

    private static async Task<IResult> FindMissingAsync(HttpContext http, DataObjectStore objects)
    {
        var request = await DatasetRequestBody.ReadAsync(http, KeelJsonContext.Default.FindMissingDataObjectsRequest, new FindMissingDataObjectsRequest());
        var missing = await objects.FindMissingAsync(request.Hashes, http.RequestAborted);
        return Results.Json(new FindMissingDataObjectsResponse { Missing = missing }, KeelJsonContext.Default.FindMissingDataObjectsResponse);
    }

    private static async Task<IResult> PutAsync(string hash, HttpContext http, DataObjectStore objects)
    {
        ContentHash.Require(hash, "hash");
        // A declared size over the limit is refused before a byte is read; an undeclared one is cut off by Kestrel and the store.
        if (http.Request.ContentLength > objects.MaxObjectBytes)
        {
            throw KeelException.InvalidParameter(string.Create(CultureInfo.InvariantCulture,
                $"Data object {hash} is {http.Request.ContentLength} bytes; the server accepts at most {objects.MaxObjectBytes}."));
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = objects.MaxObjectBytes;
        }
        await objects.PutAsync(hash, http.Request.Body, http.RequestAborted);
        return Results.Json(new PutDataObjectResponse(), KeelJsonContext.Default.PutDataObjectResponse);
    }

    private static async Task<IResult> GetAsync(string hash, HttpContext http, DataObjectStore objects)
    {
        var content = await objects.OpenStoredAsync(hash, http.RequestAborted);
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.Stream(content, OctetStream);
    }
}
