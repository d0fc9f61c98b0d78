using System.Globalization;
using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Keel.Core.Artifacts;
using Keel.Core.Common;

namespace Keel.Storage.S3;

// Presigned transfers: clients move the bytes straight to and from the bucket, the server only signs and
// checks paths. Signing is local, so only create, complete, abort and the download's size check reach S3.
public sealed partial class S3ArtifactStore
{
    public async Task<PresignedDownload> PresignDownloadAsync(ArtifactPath path, TimeSpan expiry, CancellationToken ct = default)
    {
        var key = Key(path);
        try
        {
            var head = await _s3.RunAsync(c => c.GetObjectMetadataAsync(Location.Bucket, key, ct), ct);
            return new PresignedDownload(Presign(path, HttpVerb.GET, expiry), head.ContentLength);
        }
        catch (AmazonS3Exception e) when (S3Errors.IsMissingKey(e))
        {
            throw KeelException.NotFound(await HasChildrenAsync(path, ct)
                ? $"Artifact '{path}' is a directory, not a file."
                : $"Artifact '{path}' not found.");
        }
    }

    public async Task<Uri> PresignUploadAsync(ArtifactPath path, TimeSpan expiry, CancellationToken ct = default)
    {
        Key(path);
        await EnsureWritableAsync(path, ct);
        return Presign(path, HttpVerb.PUT, expiry);
    }

    public Uri SignUrl(ArtifactPath path, PresignedMethod method, TimeSpan expiry) =>
        Presign(path, method == PresignedMethod.Put ? HttpVerb.PUT : HttpVerb.GET, expiry);

    public async Task<string> CreateMultipartUploadAsync(ArtifactPath path, CancellationToken ct = default)
    {
        var key = Key(path);
        await EnsureWritableAsync(path, ct);
        var started = await _s3.RunAsync(c => c.InitiateMultipartUploadAsync(
            new InitiateMultipartUploadRequest { BucketName = Location.Bucket, Key = key }, ct), ct);
        return started.UploadId;
    }

    public Uri PresignUploadPart(ArtifactPath path, string uploadId, int partNumber, TimeSpan expiry)
    {
        RequireUploadId(uploadId);
        ArgumentOutOfRangeException.ThrowIfLessThan(partNumber, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(partNumber, IPresigningArtifactStore.MaxParts);
        return Presign(path, HttpVerb.PUT, expiry, uploadId, partNumber);
    }

    public async Task CompleteMultipartUploadAsync(
        ArtifactPath path, string uploadId, IReadOnlyList<UploadedPart> parts, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var key = Key(path);
        RequireUploadId(uploadId);
        CheckParts(parts);
        // Checked again: a file or directory may have appeared at the path while the parts were uploading.
        await EnsureWritableAsync(path, ct);
        await OnUploadAsync(path, uploadId, () => _s3.RunAsync(c => c.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = Location.Bucket,
            Key = key,
            UploadId = uploadId,
            PartETags = [.. parts.Select(p => new PartETag(p.PartNumber, p.ETag))],
        }, ct), ct));
    }

    public async Task AbortMultipartUploadAsync(ArtifactPath path, string uploadId, CancellationToken ct = default)
    {
        var key = Key(path);
        RequireUploadId(uploadId);
        await OnUploadAsync(path, uploadId, () => _s3.RunAsync(c => c.AbortMultipartUploadAsync(new AbortMultipartUploadRequest
        {
            BucketName = Location.Bucket,
            Key = key,
            UploadId = uploadId,
        }, ct), ct));
    }

    // S3's answers about an upload become the client's errors: an unknown upload is missing, bad parts are bad input.
    private static async Task OnUploadAsync<T>(ArtifactPath path, string uploadId, Func<Task<T>> call)
    {
        try
        {
            await call();
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchUpload" || (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket"))
        {
            throw KeelException.NotFound($"Multipart upload '{uploadId}' of artifact '{path}' not found (unknown, completed or aborted).");
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented)
        {
            // Some S3-compatible servers (s3rver) lack abort; their parts stay until lifecycle rules remove them.
            throw new NotSupportedException($"The artifact store does not implement this multipart operation ({e.ErrorCode}).", e);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.BadRequest)
        {
            throw KeelException.InvalidParameter($"Invalid value for parameter 'parts': the artifact store refused them ({e.ErrorCode}: {e.Message}).");
        }
    }

    private static void RequireUploadId(string uploadId)
    {
        if (string.IsNullOrEmpty(uploadId))
        {
            throw KeelException.InvalidParameter("Missing value for required parameter 'upload_id'.");
        }
    }

    private static void CheckParts(IReadOnlyList<UploadedPart> parts)
    {
        if (parts.Count == 0)
        {
            throw KeelException.InvalidParameter("Missing value for required parameter 'parts'.");
        }
        var previous = 0;
        foreach (var part in parts)
        {
            if (part.PartNumber <= previous || part.PartNumber > IPresigningArtifactStore.MaxParts)
            {
                throw KeelException.InvalidParameter(string.Create(CultureInfo.InvariantCulture,
                    $"Invalid value {part.PartNumber} for parameter 'part_number': parts must be numbered 1 to {IPresigningArtifactStore.MaxParts} in ascending order, each once."));
            }
            if (string.IsNullOrEmpty(part.ETag))
            {
                throw KeelException.InvalidParameter(string.Create(CultureInfo.InvariantCulture,
                    $"Missing value for required parameter 'etag' of part {part.PartNumber}."));
            }
            previous = part.PartNumber;
        }
    }
}
