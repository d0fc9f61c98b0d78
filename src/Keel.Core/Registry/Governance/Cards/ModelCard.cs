using Keel.Core.Datasets;
using Keel.Core.Lineage;

namespace Keel.Core.Registry.Governance.Cards;

/// <summary>
/// Everything a model card shows about one version, gathered from what Keel already stores; renderers turn it into
/// Markdown (<see cref="ModelCardMarkdown"/>) or HTML (<see cref="ModelCardHtml"/>).
/// </summary>
/// <param name="Model">The registered model (description, tags, aliases).</param>
/// <param name="Lineage">The version and the run that produced it (params, metrics, inputs, code); the run is null when unknown.</param>
/// <param name="TrainingData">The registered dataset versions among the run's inputs, with their profiles.</param>
/// <param name="Validation">The latest validation; null when the version was never validated.</param>
/// <param name="Importance">Permutation feature importance from the latest validation, largest first; empty when none.</param>
/// <param name="AliasHistory">The model's alias moves, oldest first.</param>
/// <param name="Approvals">Approvals of this version.</param>
/// <param name="Deployments">Deployment revisions whose routes served this version.</param>
/// <param name="GeneratedAt">When the card was made, epoch milliseconds.</param>
public sealed record ModelCard(
    RegisteredModel Model,
    ModelVersionLineage Lineage,
    IReadOnlyList<DatasetVersion> TrainingData,
    CardValidation? Validation,
    IReadOnlyList<CardFeatureImportance> Importance,
    IReadOnlyList<AliasMove> AliasHistory,
    IReadOnlyList<Approval> Approvals,
    IReadOnlyList<CardDeployment> Deployments,
    long GeneratedAt)
{
    public ModelVersion Version => Lineage.ModelVersion;
}

/// <summary>The latest validation, from the version's <see cref="ValidationTags"/> and its JSON report.</summary>
/// <param name="Status"><c>passed</c> or <c>failed</c>.</param>
/// <param name="Against">The version compared with; null when none.</param>
/// <param name="Data">The dataset version scored on, <c>name@version</c>; null when not recorded.</param>
/// <param name="Timestamp">When it ran, epoch milliseconds; null when not recorded.</param>
/// <param name="ReportPath">The report's artifact path in the version's run; null when not recorded.</param>
/// <param name="Rules">The report's rules, fairness rules included; empty when the report could not be read.</param>
/// <param name="Problem">Why the report could not be read; null when it was.</param>
public sealed record CardValidation(
    string Status, string? Against, string? Data, long? Timestamp, string? ReportPath, IReadOnlyList<CardRule> Rules, string? Problem);

/// <summary>One rule of a validation report; values are shown as the report wrote them.</summary>
public sealed record CardRule(string Name, bool? Passed, string Value, string Threshold, string Detail);

/// <summary>How much the score drops when a feature is shuffled: mean and standard deviation over repeats.</summary>
public sealed record CardFeatureImportance(string Feature, double Mean, double Std);

/// <summary>A deployment revision with a route (or shadow) serving the card's version.</summary>
/// <param name="Deployment">The deployment's name.</param>
/// <param name="Revision">The revision.</param>
/// <param name="Timestamp">When the revision was made, epoch milliseconds.</param>
/// <param name="Route">The route's name; shadows are marked "(shadow)".</param>
/// <param name="ModelUri">The URI the route names.</param>
/// <param name="Weight">The route's traffic weight; null for a shadow.</param>
public sealed record CardDeployment(string Deployment, long Revision, long Timestamp, string Route, string ModelUri, double? Weight);
