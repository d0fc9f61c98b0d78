namespace Keel.Contracts.Mlflow;

/// <summary>
/// MLflow's <c>CreateMultipartUpload</c> (mlflow_artifacts.proto), POSTed to <c>mpu/create/&lt;directory&gt;</c>:
/// the file lands at <c>&lt;directory&gt;/&lt;file name of Path&gt;</c>. <see cref="Path"/> is the client's local
/// file path, of which only the name is used.
/// </summary>
public sealed record CreateMultipartUploadRequest
{
    public string? Path { get; init; }
    public long? NumParts { get; init; }
}

public sealed record CreateMultipartUploadResponse
{
    public string? UploadId { get; init; }
    public IReadOnlyList<MultipartUploadCredential> Credentials { get => field ?? []; init; }
}

/// <summary>Where to PUT one part: a presigned URL and the headers to send with it (omitted when none).</summary>
public sealed record MultipartUploadCredential
{
    public required string Url { get; init; }
    public long PartNumber { get; init; }
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
}

/// <summary>MLflow's <c>CompleteMultipartUpload</c>, POSTed to <c>mpu/complete/&lt;directory&gt;</c>.</summary>
public sealed record CompleteMultipartUploadRequest
{
    public string? Path { get; init; }
    public string? UploadId { get; init; }
    public IReadOnlyList<MultipartUploadPart>? Parts { get; init; }
}

/// <summary>One uploaded part: its number and the <c>ETag</c> its PUT answered (<see cref="Url"/> is informational).</summary>
public sealed record MultipartUploadPart
{
    public long PartNumber { get; init; }
    public string? Etag { get; init; }
    public string? Url { get; init; }
}

/// <summary>MLflow's <c>AbortMultipartUpload</c>, POSTed to <c>mpu/abort/&lt;directory&gt;</c>.</summary>
public sealed record AbortMultipartUploadRequest
{
    public string? Path { get; init; }
    public string? UploadId { get; init; }
}

/// <summary>
/// Keel's answer to <c>GET /api/keel/v1/artifacts/presign</c> (see <see cref="MlflowRoutes.KeelArtifactsPresign"/>):
/// send <see cref="Method"/> to <see cref="Url"/> with <see cref="Headers"/> before <see cref="ExpirationTimestamp"/>.
/// </summary>
public sealed record PresignedUrlResponse
{
    public required string Url { get; init; }

    /// <summary>GET or PUT.</summary>
    public required string Method { get; init; }

    /// <summary>When the URL stops working, in milliseconds since the Unix epoch.</summary>
    public long ExpirationTimestamp { get; init; }

    /// <summary>Headers to send with the request; omitted when none.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>For GET, the file's size in bytes.</summary>
    public long? FileSize { get; init; }
}
