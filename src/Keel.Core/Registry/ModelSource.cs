using Keel.Core.Artifacts;
using Keel.Core.Common;
using Keel.Core.Tracking;

namespace Keel.Core.Registry;

/// <summary>
/// The rule for a model version's <c>source</c>: it must point into Keel's own artifact store, as
/// <c>mlflow-artifacts:/&lt;path&gt;</c> or <c>runs:/&lt;run_id&gt;/&lt;path&gt;</c>, or name an existing version as
/// <c>models:/&lt;name&gt;/&lt;version&gt;</c> (what MLflow's <c>copy_model_version</c> sends). MLflow's registry had a
/// long run of file-read CVEs through client-chosen sources, so anything else (<c>file:</c>, local paths,
/// other schemes or hosts, traversal in any encoding, <c>?</c>, <c>#</c>, backslashes) is refused, and a
/// source is never turned into a filesystem path here.
/// </summary>
internal static class ModelSource
{
    public const string ArtifactsScheme = "mlflow-artifacts:/";
    public const string RunsScheme = "runs:/";
    private const string Field = "source";

    /// <summary>The validated source as an <c>mlflow-artifacts:/</c> URI and the run it belongs to (if any).</summary>
    public static async Task<(string Source, string RunId)> ResolveAsync(string? source, string? runId, ITrackingStore tracking, CancellationToken ct)
    {
        TrackingValidation.Required(source, Field);
        TrackingValidation.MaxLength(source, RegistryLimits.MaxSourceLength, Field);
        RunInfo? run = null;
        if (!string.IsNullOrEmpty(runId))
        {
            run = await tracking.GetRunInfoAsync(runId, ct)
                ?? throw KeelException.InvalidParameter($"Invalid value '{runId}' for parameter 'run_id': no run with that id exists.");
        }

        if (source!.StartsWith(RunsScheme, StringComparison.Ordinal))
        {
            var path = ParsePath(source, source[RunsScheme.Length..]);
            var sourceRunId = path.Segments[0];
            if (run is not null && run.RunId != sourceRunId)
            {
                throw Invalid(source, $"it names run '{sourceRunId}' but 'run_id' is '{run.RunId}'");
            }
            run ??= await tracking.GetRunInfoAsync(sourceRunId, ct)
                ?? throw Invalid(source, $"run '{sourceRunId}' does not exist");
            var root = RunRoot(run, source);
            var inRun = path.RelativeTo(ArtifactPath.Parse(sourceRunId, Field));
            return (ArtifactsScheme + root.Append(inRun).Value, run.RunId);
        }
        if (source.StartsWith(ArtifactsScheme, StringComparison.Ordinal))
        {
            var path = ParsePath(source, source[ArtifactsScheme.Length..]);
            if (run is not null && !path.IsUnder(RunRoot(run, source)))
            {
                throw Invalid(source, $"it must lie under the artifact root of run '{run.RunId}' ({run.ArtifactUri})");
            }
            return (ArtifactsScheme + path.Value, run?.RunId ?? "");
        }
        throw Invalid(source, $"only '{ArtifactsScheme}<path>' and '{RunsScheme}<run_id>/<path>' sources inside Keel's artifact store, or '{ModelUri.ModelsScheme}<name>/<version>', are accepted");
    }

    /// <summary>
    /// A <c>models:/&lt;name&gt;/&lt;version&gt;</c> source: the copy gets that version's stored source, checked again
    /// against <paramref name="runId"/> (or the copied version's run when none is given).
    /// </summary>
    public static async Task<(string Source, string RunId)> ResolveCopyAsync(
        string source, string? runId, IRegistryStore registry, ITrackingStore tracking, CancellationToken ct)
    {
        TrackingValidation.MaxLength(source, RegistryLimits.MaxSourceLength, Field);
        ModelUri uri;
        try
        {
            uri = ModelUri.Parse(source);
        }
        catch (KeelException e)
        {
            throw Invalid(source, RuleOf(e.Message));
        }

        if (uri.Kind != ModelUriKind.Version)
        {
            throw Invalid(source, $"a registered model source must name one version, '{ModelUri.ModelsScheme}<name>/<version>'");
        }

        var copied = await registry.GetModelVersionAsync(uri.ModelName!, uri.Version!.Value, ct)
            ?? throw Invalid(source, "that model version does not exist");
        return await ResolveAsync(copied.Source, string.IsNullOrEmpty(runId) ? copied.RunId : runId, tracking, ct);
    }

    // A second '/' would start an authority (another host); ArtifactPath refuses the leading '/' as absolute.
    private static ArtifactPath ParsePath(string source, string rest)
    {
        try
        {
            return ArtifactPath.ParseEncoded(rest, Field, allowRoot: false);
        }
        catch (KeelException e)
        {
            throw Invalid(source, RuleOf(e.Message));
        }
    }

    private static ArtifactPath RunRoot(RunInfo run, string source) =>
        run.ArtifactUri.StartsWith(ArtifactsScheme, StringComparison.Ordinal)
            ? ArtifactPath.Parse(run.ArtifactUri[ArtifactsScheme.Length..], "artifact_uri")
            : throw Invalid(source, $"run '{run.RunId}' keeps its artifacts outside Keel's artifact store ({run.ArtifactUri})");

    private static string RuleOf(string message) =>
        message.IndexOf("': ", StringComparison.Ordinal) is var i and >= 0 ? message[(i + 3)..].TrimEnd('.') : message;

    private static KeelException Invalid(string source, string rule) =>
        KeelException.InvalidParameter($"Invalid value '{source}' for parameter '{Field}': {rule}.");
}
