using Keel.Models.Packages;

namespace Keel.Serving.Runtime;

/// <summary>One concrete model version a model URI resolved to.</summary>
/// <param name="ModelName">The registered model's name; for <c>runs:/</c> and <c>mlflow-artifacts:/</c> URIs, the URI's last path segment (or "model").</param>
/// <param name="Version">The version number as text ("3"); for <c>runs:/</c> and <c>mlflow-artifacts:/</c> URIs, the run id (or "1" when unknown).</param>
/// <param name="ArtifactUri">The <c>mlflow-artifacts:/</c> location of the version's files.</param>
/// <param name="RunId">The run that produced the files, when known.</param>
public sealed record ModelVersionRef(string ModelName, string Version, string ArtifactUri, string? RunId = null);

/// <summary>Where a <see cref="ModelHost"/> finds the versions it serves.</summary>
public interface IModelSource
{
    /// <summary>Resolves the served URI to the version it names now; called at start and on every reload poll.</summary>
    Task<ModelVersionRef> ResolveAsync(CancellationToken ct = default);

    /// <summary>Downloads and loads <paramref name="version"/>; the caller disposes the model.</summary>
    Task<LoadedModel> LoadAsync(ModelVersionRef version, CancellationToken ct = default);
}
