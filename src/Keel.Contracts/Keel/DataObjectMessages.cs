namespace Keel.Contracts.KeelApi;

// Wire shapes of /api/keel/v1/data/objects. Objects themselves travel as raw application/octet-stream bodies.

/// <summary>Limits of the data object API shared by the server and the SDK.</summary>
public static class DataObjectLimits
{
    /// <summary>The most hashes one <c>POST data/objects/missing</c> call accepts.</summary>
    public const int MaxHashesPerRequest = 10_000;
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
