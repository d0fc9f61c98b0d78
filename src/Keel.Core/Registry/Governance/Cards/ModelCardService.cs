using Keel.Core.Artifacts;
using Keel.Core.Datasets;
using Keel.Core.Deployments;
using Keel.Core.Lineage;

namespace Keel.Core.Registry.Governance.Cards;

/// <summary>Gathers a <see cref="ModelCard"/> for one model version from the registry, tracking, data, artifact and deployment stores.</summary>
public sealed class ModelCardService(
    RegistryService registry,
    LineageService lineage,
    IDatasetStore datasets,
    IArtifactStore artifacts,
    IDeploymentStore deployments,
    IGovernanceStore governance,
    TimeProvider time)
{
    /// <summary>The card of <paramref name="name"/> version <paramref name="version"/>; an unknown model or version is RESOURCE_DOES_NOT_EXIST.</summary>
    public async Task<ModelCard> BuildAsync(string? name, string? version, CancellationToken ct = default)
    {
        var traced = await lineage.GetModelVersionLineageAsync(name, version, ct);
        var modelVersion = traced.ModelVersion;
        var model = await registry.GetRegisteredModelAsync(modelVersion.Name, ct);
        var trainingData = new List<DatasetVersion>();
        foreach (var input in traced.Run?.DatasetVersions ?? [])
        {
            // Lineage leaves profiles out (it finds versions by manifest); the card wants them.
            trainingData.Add(await datasets.GetVersionAsync(input.Version.Name, input.Version.Version, ct) ?? input.Version);
        }
        var reports = new ValidationReportReader(artifacts);
        var validation = await reports.ReadValidationAsync(modelVersion, traced.Run?.Info, ct);
        var importance = await reports.ReadImportanceAsync(modelVersion, traced.Run?.Info, ct);
        var history = await governance.ListAliasMovesAsync(model.Name, null, ct);
        var approvals = await governance.ListApprovalsAsync(model.Name, modelVersion.Version, ct);
        var served = await DeploymentUsage.FindAsync(deployments, model, modelVersion.Version, history, ct);
        return new ModelCard(model, traced, trainingData, validation, importance, history, approvals, served,
            time.GetUtcNow().ToUnixTimeMilliseconds());
    }
}
