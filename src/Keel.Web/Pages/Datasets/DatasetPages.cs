using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Core.Data.Manifests;
using Keel.Core.Datasets;
using Keel.Core.Tracking;
using Keel.Web.Infrastructure;
using Keel.Web.Pages.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Web.Pages.Datasets;

/// <summary>
/// The dataset pages: <c>/datasets?q=prefix</c>, <c>/datasets/{name}</c>, <c>/datasets/{name}/versions/{version}</c> and
/// <c>/datasets/{name}/diff?a=1&amp;b=2</c>. Read-only: datasets change through <c>keel data push</c> and the API.
/// </summary>
internal static class DatasetPages
{
    public const int PageSize = 100;
    public const int MaxFilesShown = 200;

    public static void MapDatasetPages(this IEndpointRouteBuilder pages)
    {
        pages.MapGet("/datasets", ListAsync);
        pages.MapGet("/datasets/{name}", DatasetAsync);
        pages.MapGet("/datasets/{name}/versions/{version}", VersionAsync);
        pages.MapGet("/datasets/{name}/diff", DiffAsync);
    }

    private static async Task<IResult> ListAsync(string? q, string? page_token, DatasetService datasets, CancellationToken ct)
    {
        var search = (q ?? "").Trim();
        var page = await datasets.SearchDatasetsAsync(search, PageSize, page_token, ct);
        return UiResults.Page<DatasetsPage, DatasetsPageModel>(new DatasetsPageModel(search, page.Items, page.NextPageToken));
    }

    private static async Task<IResult> DatasetAsync(string name, string? page_token, DatasetService datasets, CancellationToken ct)
    {
        var dataset = await datasets.GetDatasetAsync(name, ct);
        var versions = await datasets.ListVersionsAsync(dataset.Name, PageSize, page_token, ct);
        var next = versions.NextPageToken is null
            ? null
            : QueryStrings.Build(RegistryUrls.Dataset(dataset.Name), ("page_token", versions.NextPageToken));
        return UiResults.Page<DatasetPage, DatasetPageModel>(new DatasetPageModel(dataset, versions.Items, next));
    }

    private static async Task<IResult> VersionAsync(
        string name, string version, DatasetService datasets, ITrackingStore tracking, IServiceProvider services, CancellationToken ct)
    {
        var found = await datasets.GetVersionAsync(name, DatasetRules.Version(version), ct);
        var run = found.RunId is { Length: > 0 } runId ? await tracking.GetRunInfoAsync(runId, ct) : null;
        var manifest = await ListFilesAsync(services.GetService<DataObjectStore>(), found.ManifestHash, ct);
        return UiResults.Page<DatasetVersionPage, DatasetVersionPageModel>(new DatasetVersionPageModel(found, run, manifest));
    }

    private static async Task<IResult> DiffAsync(string name, string? a, string? b, DatasetService datasets, CancellationToken ct)
    {
        // Both numbers are checked before any lookup, so a bad URL answers 400 naming the parameter, not 404.
        var oldNumber = DatasetRules.Version(a, "a");
        var newNumber = DatasetRules.Version(b, "b");
        var dataset = await datasets.GetDatasetAsync(name, ct);
        var old = await datasets.GetVersionAsync(dataset.Name, oldNumber, ct);
        var @new = await datasets.GetVersionAsync(dataset.Name, newNumber, ct);
        return UiResults.Page<DatasetDiffPage, DatasetDiffPageModel>(new DatasetDiffPageModel(dataset, DatasetDiff.Compare(old, @new)));
    }

    private static async Task<ManifestListing> ListFilesAsync(DataObjectStore? objects, string manifestHash, CancellationToken ct)
    {
        if (objects is null)
        {
            return new ManifestListing([], 0, "This server has no data object store, so the file list is not available.");
        }
        try
        {
            await using var stream = await objects.OpenReadAsync(manifestHash, ct);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, ct);
            var manifest = DataManifest.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            return new ManifestListing(manifest.Files.Take(MaxFilesShown).ToArray(), manifest.FileCount, null);
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            return new ManifestListing([], 0, "The server does not hold this version's manifest (it may have been garbage-collected).");
        }
    }
}
