namespace Keel.Contracts.KeelApi;

// Wire shapes of /api/keel/v1/data/objects. Objects themselves travel as raw application/octet-stream bodies.

/// <summary>Limits of the data object API shared by the server and the SDK.</summary>
public static class DataObjectLimits
{
    /// <summary>The most hashes one <c>POST data/objects/missing</c> call accepts.</summary>
    public const int MaxHashesPerRequest = 10_000;

    /// <summary>The most hashes one <c>POST data/objects/presign</c> call signs.</summary>
    public const int MaxPresignedPerRequest = 1_000;

    /// <summary>How long presigned data object URLs stay valid unless asked otherwise: one hour.</summary>
    public const int DefaultPresignedExpirySeconds = 3600;
}

/// <summary>Body of <c>POST data/objects/missing</c>.</summary>
public sealed record FindMissingDataObjectsRequest
{
    /// <summary>SHA-256 hashes (64 lowercase hex), at most <see cref="DataObjectLimits.MaxHashesPerRequest"/>.</summary>
    public IReadOnlyList<string?>? Hashes { get; init; }
}

/// <summary>Answer of <c>POST data/objects/missing</c>: the hashes the server lacks, each once, in the order asked.</summary>
public sealed record FindMissingDataObjectsResponse
{
    public IReadOnlyList<string> Missing { get => field ?? []; init; }
}

/// <summary>Answer of <c>PUT data/objects/{hash}</c>: <c>{}</c>.</summary>
public sealed record PutDataObjectResponse;

/// <summary>
/// Body of <c>POST data/objects/presign</c>: URLs to GET objects in stored form from the object store, or to PUT them
/// there, without passing through the server.
/// </summary>
public sealed record PresignDataObjectsRequest
{
    /// <summary>GET (download) or PUT (upload).</summary>
    public string? Method { get; init; }

    /// <summary>SHA-256 hashes (64 lowercase hex), 1 to <see cref="DataObjectLimits.MaxPresignedPerRequest"/>.</summary>
    public IReadOnlyList<string?>? Hashes { get; init; }

    /// <summary>Seconds the URLs stay valid, 1 to 604,800 (7 days) [default: <see cref="DataObjectLimits.DefaultPresignedExpirySeconds"/>].</summary>
    public long? ExpiresIn { get; init; }
}

/// <summary>One presigned data object URL.</summary>
public sealed record PresignedDataObject
{
    public required string Hash { get; init; }

    public required string Url { get; init; }
}

/// <summary>Answer of <c>POST data/objects/presign</c>: one URL per distinct hash asked, in the order asked.</summary>
public sealed record PresignDataObjectsResponse
{
    public IReadOnlyList<PresignedDataObject> Urls { get => field ?? []; init; }

    /// <summary>When the URLs stop working, in milliseconds since the Unix epoch.</summary>
    public long ExpirationTimestamp { get; init; }
}
