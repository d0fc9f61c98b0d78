using System.Globalization;
using Keel.Contracts.KeelApi;
using Keel.Contracts.Mlflow;
using Keel.Core.Artifacts;
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
        group.MapPost(KeelRoutes.DataObjects + "/presign", PresignAsync);
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

    /// <summary>
    /// Signs GET or PUT URLs for data objects on the object store (<see cref="PresignDataObjectsRequest"/>); 501
    /// NOT_IMPLEMENTED when the store is a local folder, so clients fall back to <c>PUT</c>/<c>GET data/objects/{hash}</c>.
    /// </summary>
    private static async Task<IResult> PresignAsync(HttpContext http, DataObjectStore objects, TimeProvider time)
    {
        var request = await DatasetRequestBody.ReadAsync(http, KeelJsonContext.Default.PresignDataObjectsRequest, new PresignDataObjectsRequest());
        var method = request.Method?.ToUpperInvariant() switch
        {
            "GET" => PresignedMethod.Get,
            "PUT" => PresignedMethod.Put,
            null => throw KeelException.InvalidParameter("Missing value for required parameter 'method': expected GET or PUT."),
            _ => throw KeelException.InvalidParameter($"Invalid value '{request.Method}' for parameter 'method': expected GET or PUT."),
        };
        var seconds = request.ExpiresIn ?? DataObjectLimits.DefaultPresignedExpirySeconds;
        var maxSeconds = (long)IPresigningArtifactStore.MaxExpiry.TotalSeconds;
        if (seconds < 1 || seconds > maxSeconds)
        {
            throw KeelException.InvalidParameter(string.Create(CultureInfo.InvariantCulture,
                $"Invalid value {seconds} for parameter 'expires_in': expected 1 to {maxSeconds} seconds."));
        }
        var expiry = TimeSpan.FromSeconds(seconds);
        // Taken before signing, so no URL outlives what the answer promises.
        var expires = (time.GetUtcNow() + expiry).ToUnixTimeMilliseconds();
        IReadOnlyList<(string Hash, Uri Url)> urls;
        try
        {
            urls = objects.Presign(request.Hashes, method, expiry);
        }
        catch (NotSupportedException)
        {
            return Results.Json(new ErrorResponse(ErrorCodes.NotImplemented, "Presigned URLs are not supported for the server's data object store (a local folder)."),
                KeelJsonContext.Default.ErrorResponse, statusCode: StatusCodes.Status501NotImplemented);
        }
        return Results.Json(new PresignDataObjectsResponse
        {
            Urls = [.. urls.Select(u => new PresignedDataObject { Hash = u.Hash, Url = u.Url.AbsoluteUri })],
            ExpirationTimestamp = expires,
        }, KeelJsonContext.Default.PresignDataObjectsResponse);
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
