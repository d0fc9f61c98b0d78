using Keel.Core.Artifacts;
using Keel.Core.Tracking;
using Keel.Web.Infrastructure;

namespace Keel.Web.Pages.RunDetails;

/// <summary>A run input, with the registered dataset version its digest names when there is one.</summary>
public sealed record RunInputView(DatasetInput Input, string? DatasetName, long? Version)
{
    public string? VersionUrl => DatasetName is null || Version is null
        ? null
        : $"/datasets/{Uri.EscapeDataString(DatasetName)}/versions/{Version}";
}

/// <summary>The artifacts section: one directory's entries and, when a file is chosen, its preview.</summary>
public sealed record ArtifactBrowserModel(string RunId, string Directory, IReadOnlyList<ArtifactFile> Entries, ArtifactPreview? Preview)
{
    public static string EntryUrl(string runId, string path) =>
        QueryStrings.Build($"/runs/{Uri.EscapeDataString(runId)}", ("artifact", path)) + "#artifacts";

    public static string RawUrl(string runId, string path) =>
        QueryStrings.Build($"/runs/{Uri.EscapeDataString(runId)}/artifacts/raw", ("path", path));

    public string? ParentUrl => Directory.Length == 0
        ? null
        : EntryUrl(RunId, Directory.LastIndexOf('/') is var slash and > 0 ? Directory[..slash] : "");
}

/// <summary>Everything the run page shows.</summary>
public sealed record RunPageModel(
    Run Run, Experiment Experiment, IReadOnlyList<RunInputView> Inputs, ArtifactBrowserModel Artifacts, FormToken Token, long Now)
{
    public const string SourceTag = "mlflow.source.name";
    public const string NoteTag = "mlflow.note.content";

    public string? Tag(string key) => Run.Tags.FirstOrDefault(t => t.Key == key)?.Value;

    public string Duration => Components.Format.Duration(
        (Run.Info.EndTime ?? (Run.Info.Status == RunStatus.Running ? Now : Run.Info.StartTime)) - Run.Info.StartTime);

    public IEnumerable<Metric> Metrics => Run.LatestMetrics.OrderBy(m => m.Key, StringComparer.Ordinal);

    public IEnumerable<Param> Params => Run.Params.OrderBy(p => p.Key, StringComparer.Ordinal);

    public IEnumerable<Tag> Tags => Run.Tags.Where(t => t.Key != NoteTag).OrderBy(t => t.Key, StringComparer.Ordinal);

    public static string ChartId(string key) => "chart-" + Convert.ToHexStringLower(System.Text.Encoding.UTF8.GetBytes(key));
}
