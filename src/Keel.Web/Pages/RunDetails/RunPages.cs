using Keel.Core.Artifacts;
using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Core.Datasets;
using Keel.Core.Tracking;
using Keel.Web.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Web.Pages.RunDetails;

/// <summary>The run page <c>/runs/{id}?artifact=path</c> and its artifacts' raw bytes <c>/runs/{id}/artifacts/raw?path=</c>.</summary>
internal static class RunPages
{
    public static void MapRunPages(this IEndpointRouteBuilder pages)
    {
        pages.MapGet("/runs/{runId}", RunAsync);
        pages.MapGet("/runs/{runId}/artifacts/raw", RawAsync);
    }

    private static async Task<IResult> RunAsync(
        string runId, string? artifact, HttpContext context, TrackingService tracking, ArtifactService artifacts, TimeProvider time,
        IServiceProvider services, CancellationToken ct)
    {
        var run = await tracking.GetRunAsync(runId, ct);
        var experiment = await tracking.GetExperimentAsync(run.Info.ExperimentId, ct);
        var inputs = await InputsAsync(run, services.GetService<IDatasetStore>(), ct);
        var browser = await BrowseAsync(run, artifact, artifacts, ct);
        var model = new RunPageModel(run, experiment, inputs, browser, UiForms.Token(context), time.GetUtcNow().ToUnixTimeMilliseconds());
        return UiResults.Page<RunPage, RunPageModel>(model);
    }

    private static async Task<ArtifactBrowserModel> BrowseAsync(Run run, string? artifact, ArtifactService artifacts, CancellationToken ct)
    {
        var selected = string.IsNullOrEmpty(artifact) ? ArtifactPath.Root : ArtifactPath.Parse(artifact, "artifact");
        var directory = selected.Parent;
        var listing = await artifacts.ListRunArtifactsAsync(run.Info.RunId, directory.Value, ct);
        var entry = selected.IsRoot ? null : listing.Files.FirstOrDefault(f => f.Path == selected.Value);
        if (selected.IsRoot || entry is { IsDirectory: true })
        {
            var inside = selected.IsRoot ? listing : await artifacts.ListRunArtifactsAsync(run.Info.RunId, selected.Value, ct);
            return new ArtifactBrowserModel(run.Info.RunId, selected.Value, inside.Files, null);
        }
        if (entry is null)
        {
            throw KeelException.NotFound($"Run {run.Info.RunId} has no artifact '{selected.Value}'.");
        }
        var file = ArtifactService.ResolveProxyUri(run.Info.ArtifactUri).Append(selected);
        var preview = await ArtifactPreviewer.PreviewAsync(artifacts, file, selected.Value, entry.Size, ct);
        return new ArtifactBrowserModel(run.Info.RunId, directory.Value, listing.Files, preview);
    }

    private static async Task<IReadOnlyList<RunInputView>> InputsAsync(Run run, IDatasetStore? datasets, CancellationToken ct)
    {
        var views = new List<RunInputView>(run.Inputs.Count);
        foreach (var input in run.Inputs)
        {
            DatasetVersion? version = null;
            // Only a manifest hash can name a registered dataset version (MLflow's own digests are short hashes).
            if (datasets is not null && ContentHash.IsValid(input.Dataset.Digest))
            {
                var versions = await datasets.FindVersionsByManifestAsync(input.Dataset.Digest, ct);
                version = versions.FirstOrDefault(v => v.Name == input.Dataset.Name) ?? (versions.Count > 0 ? versions[0] : null);
            }
            views.Add(new RunInputView(input, version?.Name, version?.Version));
        }
        return views;
    }

    /// <summary>
    /// An artifact's bytes: images inline with their image type, everything else as a download
    /// (<c>Content-Disposition: attachment</c>, <c>application/octet-stream</c>), so no artifact is ever a page.
    /// </summary>
    private static async Task<IResult> RawAsync(string runId, string? path, TrackingService tracking, ArtifactService artifacts, CancellationToken ct)
    {
        var run = await tracking.GetRunInfoAsync(runId, ct);
        var relative = ArtifactPath.Parse(path, "path");
        var file = ArtifactService.ResolveProxyUri(run.ArtifactUri).Append(relative);
        var stream = await artifacts.OpenReadAsync(file, ct);
        return ArtifactKinds.ImageContentType(relative.Name) is { } imageType
            ? TypedResults.Stream(stream, imageType)
            : TypedResults.Stream(stream, "application/octet-stream", fileDownloadName: relative.Name);
    }
}
