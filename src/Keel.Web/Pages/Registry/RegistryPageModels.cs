using Keel.Core.Lineage;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Web.Infrastructure;

namespace Keel.Web.Pages.Registry;

/// <summary>The models list: the name search as typed, one page of models and the next page's URL.</summary>
public sealed record ModelsPageModel(string Search, IReadOnlyList<RegisteredModel> Models, string? NextPageToken)
{
    public string? NextPageUrl => NextPageToken is null ? null : RegistryUrls.Models(Search, NextPageToken);

    /// <summary>The highest version among the model's latest versions (one per stage), or null before the first.</summary>
    public static long? LatestVersion(RegisteredModel model) =>
        model.LatestVersions.Count == 0 ? null : model.LatestVersions.Max(v => v.Version);
}

/// <summary>A model page: the model, one page of its versions (newest first), and the token of its edit forms.</summary>
public sealed record ModelPageModel(RegisteredModel Model, IReadOnlyList<ModelVersion> Versions, string? NextPageUrl, FormToken Token)
{
    public IEnumerable<Tag> Tags => Model.Tags.OrderBy(t => t.Key, StringComparer.Ordinal);

    public IEnumerable<ModelAlias> Aliases => Model.Aliases.OrderBy(a => a.Alias, StringComparer.Ordinal);
}

/// <summary>A model version page: the version with its lineage graph, the routes serving it, and its package.</summary>
public sealed record ModelVersionPageModel(
    RegisteredModel Model,
    ModelVersionLineage Lineage,
    IReadOnlyList<DeploymentRouteRef> Routes,
    LineageGraphModel Graph,
    ModelPackageView Package,
    FormToken Token)
{
    public ModelVersion Version => Lineage.ModelVersion;

    public IEnumerable<Tag> Tags => Version.Tags.OrderBy(t => t.Key, StringComparer.Ordinal);
}
