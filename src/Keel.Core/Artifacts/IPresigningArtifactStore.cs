namespace Keel.Core.Artifacts;

/// <summary>One uploaded part of a multipart upload: its number (1 to 10,000) and the ETag the store answered.</summary>
public sealed record UploadedPart(int PartNumber, string ETag);

/// <summary>What a presigned URL lets its holder do: read the file with one GET, or write it whole with one PUT.</summary>
public enum PresignedMethod
{
    Get,
    Put,
}

/// <summary>A file's presigned download: the URL and the file's size in bytes.</summary>
public sealed record PresignedDownload(Uri Url, long Size);

/// <summary>
/// An <see cref="IArtifactStore"/> whose clients can move bytes straight to and from the underlying object store
/// with presigned URLs (S3 today), so large files never pass through the server. Optional: hosts test for it and
/// answer NOT_IMPLEMENTED when the configured store is not one. Every path is a file path below the root; refused
/// paths throw <see cref="Common.ErrorCode.InvalidParameterValue"/>, store failures
/// <see cref="BlobStoreUnavailableException"/>. Expiries must be positive and at most <see cref="MaxExpiry"/>.
/// </summary>
public interface IPresigningArtifactStore : IArtifactStore
{
    /// <summary>The longest a presigned URL may stay valid (S3's limit): 7 days.</summary>
    static TimeSpan MaxExpiry { get; } = TimeSpan.FromDays(7);

    /// <summary>The most parts one multipart upload may have (S3's limit): 10,000.</summary>
    const int MaxParts = 10_000;

    /// <summary>
    /// A URL that downloads the file at <paramref name="path"/> with a plain GET (ranges allowed), valid for
    /// <paramref name="expiry"/>. A missing file throws <see cref="Common.ErrorCode.ResourceDoesNotExist"/>.
    /// </summary>
    Task<PresignedDownload> PresignDownloadAsync(ArtifactPath path, TimeSpan expiry, CancellationToken ct = default);

    /// <summary>
    /// A URL that writes the whole file at <paramref name="path"/> with one plain PUT, valid for
    /// <paramref name="expiry"/>. The same file/directory conflicts as <see cref="IArtifactStore.PutAsync"/> are
    /// refused now; one that arises before the PUT is not seen.
    /// </summary>
    Task<Uri> PresignUploadAsync(ArtifactPath path, TimeSpan expiry, CancellationToken ct = default);

    /// <summary>
    /// Signs a URL for one <paramref name="method"/> request on the file at <paramref name="path"/>, valid for
    /// <paramref name="expiry"/>, without asking the store anything: no existence and no file/directory conflict check.
    /// For callers that own a fixed layout below the root (content-addressed data objects), where those checks cannot
    /// fail and would cost round trips for every object.
    /// </summary>
    Uri SignUrl(ArtifactPath path, PresignedMethod method, TimeSpan expiry);

    /// <summary>
    /// Starts a multipart upload to <paramref name="path"/> (conflicts refused as for
    /// <see cref="IArtifactStore.PutAsync"/>) and returns its upload id. Nothing is visible at the path until
    /// <see cref="CompleteMultipartUploadAsync"/>.
    /// </summary>
    Task<string> CreateMultipartUploadAsync(ArtifactPath path, CancellationToken ct = default);

    /// <summary>
    /// A URL that uploads part <paramref name="partNumber"/> (1 to <see cref="MaxParts"/>) of
    /// <paramref name="uploadId"/> with a plain PUT; its answer's <c>ETag</c> header is the part's ETag. Signing is
    /// local: an unknown upload id shows when the URL is used.
    /// </summary>
    Uri PresignUploadPart(ArtifactPath path, string uploadId, int partNumber, TimeSpan expiry);

    /// <summary>
    /// Joins <paramref name="parts"/> (ascending part numbers) into the file at <paramref name="path"/>, replacing
    /// an existing file whole. An unknown or finished upload id throws <see cref="Common.ErrorCode.ResourceDoesNotExist"/>;
    /// parts the store does not hold, or that it refuses, throw <see cref="Common.ErrorCode.InvalidParameterValue"/>.
    /// </summary>
    Task CompleteMultipartUploadAsync(ArtifactPath path, string uploadId, IReadOnlyList<UploadedPart> parts, CancellationToken ct = default);

    /// <summary>
    /// Cancels <paramref name="uploadId"/> and frees its parts. An unknown or finished upload id throws
    /// <see cref="Common.ErrorCode.ResourceDoesNotExist"/>; an object store that lacks the operation (some
    /// S3-compatible test servers) throws <see cref="NotSupportedException"/>.
    /// </summary>
    Task AbortMultipartUploadAsync(ArtifactPath path, string uploadId, CancellationToken ct = default);
}
