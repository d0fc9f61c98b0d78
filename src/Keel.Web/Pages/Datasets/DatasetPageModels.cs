using Keel.Core.Data.Manifests;
using Keel.Core.Datasets;
using Keel.Core.Tracking;
using Keel.Web.Infrastructure;
using Keel.Web.Pages.Registry;

namespace Keel.Web.Pages.Datasets;

/// <summary>The datasets list: the name prefix as typed, one page of datasets and the next page's token.</summary>
public sealed record DatasetsPageModel(string Search, IReadOnlyList<RegisteredDataset> Datasets, string? NextPageToken)
{
    public string? NextPageUrl => NextPageToken is null ? null : QueryStrings.Build("/datasets", ("q", Search), ("page_token", NextPageToken));
}

/// <summary>A dataset page: the dataset and one page of its versions, newest first.</summary>
public sealed record DatasetPageModel(RegisteredDataset Dataset, IReadOnlyList<DatasetVersion> Versions, string? NextPageUrl);

/// <summary>The files a version's manifest lists (at most <see cref="DatasetPages.MaxFilesShown"/>), or why they are not shown.</summary>
public sealed record ManifestListing(IReadOnlyList<ManifestFile> Files, int TotalFiles, string? Problem);

/// <summary>A dataset version page: the version with its profile, the run that produced it and its manifest's files.</summary>
public sealed record DatasetVersionPageModel(DatasetVersion Version, RunInfo? Run, ManifestListing Manifest)
{
    public IEnumerable<Tag> Tags => Version.Tags.OrderBy(t => t.Key, StringComparer.Ordinal);

    public string? PreviousDiffUrl => Version.Version > 1 ? RegistryUrls.DatasetDiff(Version.Name, Version.Version - 1, Version.Version) : null;
}

/// <summary>The diff page of two versions of a dataset.</summary>
public sealed record DatasetDiffPageModel(RegisteredDataset Dataset, DatasetDiff Diff);
