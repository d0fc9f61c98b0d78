using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Tracking;

namespace Keel.Core.Registry;

/// <summary>Where a model URI points: an <c>mlflow-artifacts:/</c> location and, when known, its version and run.</summary>
public sealed record ResolvedModelUri(string ArtifactUri, string? ModelName, long? Version, string? RunId);

/// <summary>
/// Turns <c>models:/</c>, <c>runs:/</c> and <c>mlflow-artifacts:/</c> URIs into a location in Keel's artifact store.
/// Run and artifact URIs pass the same rules as a model version's source.
/// </summary>
public sealed class ModelUriResolver(RegistryService registry, ITrackingStore tracking)
{
    public async Task<ResolvedModelUri> ResolveAsync(string? uri, CancellationToken ct = default)
    {
        var parsed = ModelUri.Parse(uri);
        switch (parsed.Kind)
        {
            case ModelUriKind.Run:
                // An unknown run is a missing resource here, not a bad source as on version creation.
                _ = await tracking.GetRunInfoAsync(parsed.RunId!, ct)
                    ?? throw KeelException.NotFound($"Run '{parsed.RunId}' of model URI '{parsed}' not found.");
                var (runSource, runId) = await ModelSource.ResolveAsync(parsed.Text, null, tracking, ct);
                return new ResolvedModelUri(runSource, null, null, runId);
            case ModelUriKind.Artifacts:
                var (source, _) = await ModelSource.ResolveAsync(parsed.Text, null, tracking, ct);
                return new ResolvedModelUri(source, null, null, null);
            default:
                var version = await FindVersionAsync(parsed, ct);
                return new ResolvedModelUri(version.Source, version.Name, version.Version, version.RunId.Length == 0 ? null : version.RunId);
        }
    }

    private async Task<ModelVersion> FindVersionAsync(ModelUri uri, CancellationToken ct)
    {
        var name = uri.ModelName!;
        switch (uri.Kind)
        {
            case ModelUriKind.Version:
                return await registry.GetModelVersionAsync(name, uri.Version!.Value.ToString(CultureInfo.InvariantCulture), ct);
            case ModelUriKind.Alias:
                // Not registry.GetModelVersionByAliasAsync: MLflow's 400 there names neither case; this endpoint answers 404.
                var aliased = await registry.GetRegisteredModelAsync(name, ct);
                var alias = aliased.Aliases.FirstOrDefault(a => a.Alias == uri.Alias)
                    ?? throw KeelException.NotFound($"Registered model '{aliased.Name}' has no alias '{uri.Alias}'.");
                return await registry.GetModelVersionAsync(aliased.Name, alias.Version.ToString(CultureInfo.InvariantCulture), ct);
            case ModelUriKind.Stage:
                var inStage = await registry.GetLatestVersionsAsync(name, [uri.Stage!], ct);
                return inStage.Count > 0
                    ? inStage[0]
                    : throw KeelException.NotFound($"Registered model '{name}' has no version in stage '{uri.Stage}'.");
            default:
                var model = await registry.GetRegisteredModelAsync(name, ct);
                return model.LatestVersions.MaxBy(v => v.Version)
                    ?? throw KeelException.NotFound($"Registered model '{name}' has no versions.");
        }
    }
}
