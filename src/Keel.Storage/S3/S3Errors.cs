using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Keel.Core.Artifacts;

namespace Keel.Storage.S3;

/// <summary>Which S3 failures mean "the store is unavailable" rather than "this request is wrong".</summary>
internal static class S3Errors
{
    public static bool IsMissingKey(AmazonS3Exception e) =>
        e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket";

    /// <summary>
    /// True for network failures, timeouts (a cancellation the caller did not ask for), a missing bucket,
    /// denied credentials and server errors: none is the client's fault, and all may pass once the store is
    /// back or reconfigured.
    /// </summary>
    public static bool IsUnavailable(Exception e, CancellationToken ct) => e switch
    {
        OperationCanceledException => !ct.IsCancellationRequested,
        HttpRequestException or SocketException or IOException or TimeoutException => true,
        AmazonServiceException s when s.StatusCode == HttpStatusCode.NotFound => s.ErrorCode == "NoSuchBucket",
        AmazonServiceException s when s.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized => true,
        AmazonServiceException s when (int)s.StatusCode >= 500 => true,
        // The SDK wraps transport failures without a status code.
        AmazonClientException { InnerException: { } inner } => IsUnavailable(inner, ct),
        _ => false,
    };

    public static BlobStoreUnavailableException Unavailable(S3Destination location, Uri? serviceUrl, Exception e)
    {
        var where = serviceUrl is null ? location.ToString() : $"{location} at {serviceUrl}";
        var reason = e switch
        {
            OperationCanceledException => "the request timed out",
            AmazonServiceException { ErrorCode: "NoSuchBucket" } => "the bucket does not exist",
            AmazonServiceException { StatusCode: HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized } s =>
                $"access denied ({s.ErrorCode})",
            AmazonServiceException { StatusCode: > 0 } s => $"{(int)s.StatusCode} {s.ErrorCode}: {s.Message}",
            _ => Innermost(e).Message,
        };
        return new BlobStoreUnavailableException($"The artifact store {where} is unavailable: {reason}", e);
    }

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}
