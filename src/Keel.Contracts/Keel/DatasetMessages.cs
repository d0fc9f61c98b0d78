using System.Text.Json;
using Keel.Contracts.Mlflow;

namespace Keel.Contracts.KeelApi;

// Wire shapes of /api/keel/v1/datasets and /api/keel/v1/dataset-versions, snake_case through KeelJson. Timestamps
// are epoch milliseconds; versions, sizes and counts are JSON numbers. Request fields are nullable so a missing one is
// reported by name, not as malformed JSON.

/// <summary>A registered dataset: the answer of create, get and update, and an entry of list.</summary>
public sealed record RegisteredDatasetDto
{
    public required string Name { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<KeyValue> Tags { get => field ?? []; init; }

    public long CreationTimestamp { get; init; }

    public long LastUpdatedTimestamp { get; init; }

    /// <summary>The highest version number; null before the first version.</summary>
    public long? LatestVersion { get; init; }
}

/// <summary>One column of a tabular version's schema.</summary>
public sealed record DatasetColumnDto
{
    public string? Name { get; init; }

    /// <summary>integer, double, boolean, string or datetime as Keel's profiler infers them; other names are kept as given.</summary>
    public string? Type { get; init; }
}

/// <summary>A dataset version: the answer of create and get, and an entry of list and of the by-manifest lookup.</summary>
public sealed record DatasetVersionDto
{
    public required string Name { get; init; }

    public long Version { get; init; }

    /// <summary>SHA-256 (64 lowercase hex) of the version's manifest in the server's data objects.</summary>
    public required string ManifestHash { get; init; }

    /// <summary>Total bytes of its files.</summary>
    public long Size { get; init; }

    public long FileCount { get; init; }

    /// <summary><c>file</c> or <c>directory</c>.</summary>
    public required string Kind { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<KeyValue> Tags { get => field ?? []; init; }

    /// <summary>The run that produced it, when given.</summary>
    public string? RunId { get; init; }

    /// <summary>Where it came from (e.g. the pointer file's path), when given.</summary>
    public string? Source { get; init; }

    /// <summary>Rows, for tabular data.</summary>
    public long? RowCount { get; init; }

    /// <summary>Columns, for tabular data.</summary>
    public IReadOnlyList<DatasetColumnDto>? Schema { get; init; }

    /// <summary>Column statistics (Keel's DatasetProfile JSON) for tabular data; only the answers of create and get carry it.</summary>
    public JsonElement? Profile { get; init; }

    public long CreationTimestamp { get; init; }

    public long LastUpdatedTimestamp { get; init; }
}

/// <summary>Body of <c>POST datasets</c>.</summary>
public sealed record CreateDatasetRequest
{
    public string? Name { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<KeyValue>? Tags { get; init; }
}

/// <summary>Body of <c>PATCH datasets/{name}</c>: the new description (null or absent clears it).</summary>
public sealed record UpdateDatasetRequest
{
    public string? Description { get; init; }
}

/// <summary>Body of <c>POST datasets/{name}/tags</c> and <c>POST datasets/{name}/versions/{version}/tags</c>.</summary>
public sealed record SetDatasetTagRequest
{
    public string? Key { get; init; }

    public string? Value { get; init; }
}

/// <summary>Body of <c>POST datasets/{name}/versions</c>. The manifest must already be on the server (push first).</summary>
public sealed record CreateDatasetVersionRequest
{
    public string? ManifestHash { get; init; }

    public long? Size { get; init; }

    public long? FileCount { get; init; }

    /// <summary><c>file</c> or <c>directory</c>.</summary>
    public string? Kind { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<KeyValue>? Tags { get; init; }

    public string? RunId { get; init; }

    public string? Source { get; init; }

    /// <summary>Rows, for tabular data; filled from <see cref="Profile"/> when only it is given.</summary>
    public long? RowCount { get; init; }

    /// <summary>Columns, for tabular data; filled from <see cref="Profile"/> when only it is given.</summary>
    public IReadOnlyList<DatasetColumnDto>? Schema { get; init; }

    /// <summary>Keel's DatasetProfile JSON.</summary>
    public JsonElement? Profile { get; init; }
}

/// <summary>Answer of <c>GET datasets</c>, by name.</summary>
public sealed record ListDatasetsResponse
{
    public IReadOnlyList<RegisteredDatasetDto> Datasets { get => field ?? []; init; }

    /// <summary>Pass back as <c>page_token</c> for the next page; null on the last.</summary>
    public string? NextPageToken { get; init; }
}

/// <summary>Answer of <c>GET datasets/{name}/versions</c> (newest first) and of <c>GET dataset-versions?manifest_hash=</c> (oldest first).</summary>
public sealed record ListDatasetVersionsResponse
{
    public IReadOnlyList<DatasetVersionDto> DatasetVersions { get => field ?? []; init; }

    public string? NextPageToken { get; init; }
}

/// <summary>Answer of the calls that return nothing (delete, tag): <c>{}</c>.</summary>
public sealed record DatasetEmptyResponse;
