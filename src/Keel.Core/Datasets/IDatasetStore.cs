using Keel.Core.Common;
using Keel.Core.Tracking;

namespace Keel.Core.Datasets;

/// <summary>
/// Registered datasets and their versions. Each call is one transaction; values are stored as given (the service
/// validates them). Writes naming an unknown dataset or version throw RESOURCE_DOES_NOT_EXIST; reads return null.
/// </summary>
public interface IDatasetStore
{
    /// <summary>Creates a dataset; a taken name throws RESOURCE_ALREADY_EXISTS.</summary>
    Task<RegisteredDataset> CreateDatasetAsync(NewDataset dataset, CancellationToken ct = default);

    Task<RegisteredDataset?> GetDatasetAsync(string name, CancellationToken ct = default);

    /// <summary>Datasets whose name starts with <paramref name="namePrefix"/> (all when null), by name (ordinal), one page.</summary>
    Task<Page<RegisteredDataset>> SearchDatasetsAsync(string? namePrefix, int maxResults, long offset, CancellationToken ct = default);

    Task UpdateDatasetAsync(string name, string description, long now, CancellationToken ct = default);

    /// <summary>Deletes a dataset with its versions and tags (the data objects stay).</summary>
    Task DeleteDatasetAsync(string name, CancellationToken ct = default);

    Task SetDatasetTagAsync(string name, Tag tag, long now, CancellationToken ct = default);

    /// <summary>Removes a tag; a missing key is not an error.</summary>
    Task DeleteDatasetTagAsync(string name, string key, CancellationToken ct = default);

    /// <summary>Adds the next version of <see cref="NewDatasetVersion.Name"/>, numbered one past the highest ever given.</summary>
    Task<DatasetVersion> CreateVersionAsync(NewDatasetVersion version, CancellationToken ct = default);

    /// <summary>A version with its profile, or null.</summary>
    Task<DatasetVersion?> GetVersionAsync(string name, long version, CancellationToken ct = default);

    /// <summary>A dataset's versions, newest first, one page, without profiles.</summary>
    Task<Page<DatasetVersion>> ListVersionsAsync(string name, int maxResults, long offset, CancellationToken ct = default);

    Task SetVersionTagAsync(string name, long version, Tag tag, long now, CancellationToken ct = default);

    /// <summary>Removes a version's tag; a missing key is not an error.</summary>
    Task DeleteVersionTagAsync(string name, long version, string key, CancellationToken ct = default);

    /// <summary>Every version (of any dataset) whose manifest is <paramref name="manifestHash"/>, oldest first, without profiles.</summary>
    Task<IReadOnlyList<DatasetVersion>> FindVersionsByManifestAsync(string manifestHash, CancellationToken ct = default);
}
