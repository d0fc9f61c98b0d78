using Keel.Core.Data.Profiles;
using Keel.Core.Tracking;

namespace Keel.Core.Datasets;

/// <summary>A named dataset in the registry; its content lives in its versions.</summary>
/// <param name="Name">Unique name (the rules of a registered model's name).</param>
/// <param name="Description">Free text; empty when none.</param>
/// <param name="Tags">Its tags, by key.</param>
/// <param name="CreationTimestamp">Epoch milliseconds.</param>
/// <param name="LastUpdatedTimestamp">Epoch milliseconds of the last change to it, its tags or its versions.</param>
/// <param name="LatestVersion">The highest version number, or null before the first version.</param>
public sealed record RegisteredDataset(
    string Name, string Description, IReadOnlyList<Tag> Tags, long CreationTimestamp, long LastUpdatedTimestamp, long? LatestVersion);

/// <summary>One column of a tabular version's schema: its name and type (see <see cref="ColumnKinds"/>).</summary>
public sealed record DatasetColumn(string Name, string Type);

/// <summary>The kinds of tracked data a version can hold.</summary>
public static class DatasetKinds
{
    public const string File = "file";
    public const string Directory = "directory";
}

/// <summary>
/// One immutable version of a dataset: the manifest (chunk list) naming its exact bytes, and what is known about them.
/// </summary>
/// <param name="Name">The dataset's name.</param>
/// <param name="Version">1 for the first version, one more for each next; numbers are never reused.</param>
/// <param name="ManifestHash">The <see cref="Data.ContentHash"/> of the manifest in the server's data objects.</param>
/// <param name="Size">Total bytes of the files.</param>
/// <param name="FileCount">Number of files (1 for a file).</param>
/// <param name="Kind"><see cref="DatasetKinds.File"/> or <see cref="DatasetKinds.Directory"/>.</param>
/// <param name="Description">Free text; empty when none.</param>
/// <param name="Tags">Its tags, by key.</param>
/// <param name="RunId">The run that produced it, when known.</param>
/// <param name="Source">Where it came from (e.g. the pointer file's path), when known.</param>
/// <param name="RowCount">Rows, for tabular data.</param>
/// <param name="Schema">Columns, for tabular data.</param>
/// <param name="Profile">Column statistics, for tabular data; null in listings, which leave it out for size.</param>
/// <param name="CreationTimestamp">Epoch milliseconds.</param>
/// <param name="LastUpdatedTimestamp">Epoch milliseconds of the last tag change.</param>
public sealed record DatasetVersion(
    string Name,
    long Version,
    string ManifestHash,
    long Size,
    long FileCount,
    string Kind,
    string Description,
    IReadOnlyList<Tag> Tags,
    string? RunId,
    string? Source,
    long? RowCount,
    IReadOnlyList<DatasetColumn>? Schema,
    DatasetProfile? Profile,
    long CreationTimestamp,
    long LastUpdatedTimestamp);

/// <summary>A dataset to create.</summary>
public sealed record NewDataset(string Name, string Description, IReadOnlyList<Tag> Tags, long Now);

/// <summary>A version to add, numbered by the store.</summary>
public sealed record NewDatasetVersion(
    string Name,
    string ManifestHash,
    long Size,
    long FileCount,
    string Kind,
    string Description,
    IReadOnlyList<Tag> Tags,
    string? RunId,
    string? Source,
    long? RowCount,
    IReadOnlyList<DatasetColumn>? Schema,
    DatasetProfile? Profile,
    long Now);
