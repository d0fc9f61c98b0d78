using Keel.Core.Common;
using Keel.Core.Registry;

namespace Keel.Web.Pages.Registry;

/// <summary>
/// Which registered model version a deployment's <c>models:/</c> URI names right now, worked out from the model's
/// aliases and latest versions already loaded (no store call per route). <c>runs:/</c> and artifact URIs name no version.
/// </summary>
public static class ModelUriTargets
{
    /// <summary>The parsed URI, or null when it is not a well-formed model URI (the page then shows it as text).</summary>
    public static ModelUri? TryParse(string uri)
    {
        try
        {
            return ModelUri.Parse(uri);
        }
        catch (KeelException)
        {
            return null;
        }
    }

    /// <summary>The version <paramref name="uri"/> resolves to in <paramref name="model"/>, or null when it names none.</summary>
    public static long? Resolve(ModelUri uri, RegisteredModel model)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(model);
        if (uri.ModelName != model.Name)
        {
            return null;
        }
        return uri.Kind switch
        {
            ModelUriKind.Version => uri.Version,
            ModelUriKind.Alias => model.Aliases.FirstOrDefault(a => a.Alias == uri.Alias)?.Version,
            // LatestVersions holds the newest version of each stage, so these two read it directly.
            ModelUriKind.Stage => model.LatestVersions.FirstOrDefault(v => v.CurrentStage == uri.Stage)?.Version,
            ModelUriKind.Latest => model.LatestVersions.Count == 0 ? null : model.LatestVersions.Max(v => v.Version),
            _ => null,
        };
    }

    /// <summary>The UI page of a model or version; null for URIs that name no registered model.</summary>
    public static string? PageUrl(ModelUri? uri, long? resolvedVersion) =>
        uri?.ModelName is not { } name
            ? null
            : resolvedVersion is { } version ? RegistryUrls.Version(name, version) : RegistryUrls.Model(name);
}
