using System.Globalization;
using Keel.Contracts.KeelApi;
using Keel.Contracts.Mlflow;
using Keel.Core.Artifacts;
using Keel.Core.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static Keel.Server.Http.MlflowRequest;

namespace Keel.Server.Artifacts;

/// <summary>
/// <c>GET /api/keel/v1/artifacts/presign?path=&lt;path&gt;&amp;method=GET|PUT[&amp;expires_in=&lt;seconds&gt;]</c>: a presigned
/// URL for a single-request transfer of one file straight to or from the object store. <c>path</c> is a file path
/// from the artifact store's root, as in <c>/api/2.0/mlflow-artifacts/artifacts/&lt;path&gt;</c> (so a run's files
/// are under <c>&lt;experiment&gt;/&lt;run&gt;/artifacts/</c>); <c>expires_in</c> defaults to 3600 and may be 1 to
/// 604800 (7 days). Answers <see cref="PresignedUrlResponse"/>: GET carries <c>file_size</c> and a missing file is
/// 404 RESOURCE_DOES_NOT_EXIST; PUT refuses file/directory conflicts as the proxy PUT does. Bad input is
/// 400 INVALID_PARAMETER_VALUE; a store that cannot presign (the local one) is 501 NOT_IMPLEMENTED.
/// </summary>
internal static class PresignEndpoints
{
    public const string NotSupportedMessage = "Presigned URLs are not supported for the current artifact repository";

    private const int DefaultExpirySeconds = 3600;

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGroup(KeelRoutes.ApiPrefix).MapGet(MlflowRoutes.KeelArtifactsPresign, PresignAsync);

    private static async Task<IResult> PresignAsync(HttpContext http, IArtifactStore store, TimeProvider time)
    {
        var path = ArtifactPath.Parse(Query(http, "path"), "path");
        var method = Query(http, "method")?.ToUpperInvariant() switch
        {
            "GET" => "GET",
            "PUT" => "PUT",
            var other => throw KeelException.InvalidParameter(
                $"Invalid value '{other}' for parameter 'method': expected GET or PUT."),
        };
        var seconds = QueryInt64(http, "expires_in") ?? DefaultExpirySeconds;
        var maxSeconds = (long)IPresigningArtifactStore.MaxExpiry.TotalSeconds;
        if (seconds < 1 || seconds > maxSeconds)
        {
            throw KeelException.InvalidParameter(string.Create(CultureInfo.InvariantCulture,
                $"Invalid value {seconds} for parameter 'expires_in': expected 1 to {maxSeconds} seconds."));
        }
        if (store is not IPresigningArtifactStore presigning)
        {
            return Results.Json(new ErrorResponse(ErrorCodes.NotImplemented, NotSupportedMessage),
                MlflowJson.Options.GetTypeInfo(typeof(ErrorResponse)), statusCode: StatusCodes.Status501NotImplemented);
        }
        var expiry = TimeSpan.FromSeconds(seconds);
        // Taken before signing, so the URL never outlives what the answer promises.
        var expires = (time.GetUtcNow() + expiry).ToUnixTimeMilliseconds();
        PresignedUrlResponse response;
        if (method == "GET")
        {
            var download = await presigning.PresignDownloadAsync(path, expiry, http.RequestAborted);
            response = new PresignedUrlResponse { Url = download.Url.AbsoluteUri, Method = method, ExpirationTimestamp = expires, FileSize = download.Size };
        }
        else
        {
            var upload = await presigning.PresignUploadAsync(path, expiry, http.RequestAborted);
            response = new PresignedUrlResponse { Url = upload.AbsoluteUri, Method = method, ExpirationTimestamp = expires };
        }
        return Ok(response, MlflowJsonContext.Default.PresignedUrlResponse);
    }
}
