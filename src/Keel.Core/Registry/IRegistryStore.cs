using Keel.Core.Common;
using Keel.Core.Tracking;

namespace Keel.Core.Registry;

/// <summary>
/// Metadata store for registered models, their versions, tags and aliases. Each call is one transaction.
/// Writes to an unknown model or version throw <see cref="KeelException"/> with
/// <see cref="ErrorCode.ResourceDoesNotExist"/>; reads return null. Version numbers start at 1 per model
/// and are never reused, even after a delete.
/// </summary>
public interface IRegistryStore
{
    /// <summary>Creates a model; an existing name throws RESOURCE_ALREADY_EXISTS.</summary>
    Task<RegisteredModel> CreateRegisteredModelAsync(NewRegisteredModel model, CancellationToken ct = default);

    Task<RegisteredModel?> GetRegisteredModelAsync(string name, CancellationToken ct = default);

    /// <summary>Renames a model and with it all its versions; an existing new name throws RESOURCE_ALREADY_EXISTS.</summary>
    Task RenameRegisteredModelAsync(string name, string newName, long now, CancellationToken ct = default);

    Task UpdateRegisteredModelAsync(string name, string description, long now, CancellationToken ct = default);

    /// <summary>Deletes a model with its versions, tags and aliases.</summary>
    Task DeleteRegisteredModelAsync(string name, CancellationToken ct = default);

    Task<Page<RegisteredModel>> SearchRegisteredModelsAsync(RegistryQuery query, CancellationToken ct = default);

    Task SetRegisteredModelTagAsync(string name, Tag tag, long now, CancellationToken ct = default);

    /// <summary>Deletes a model tag; a missing key is a no-op, as in MLflow (the model itself must exist).</summary>
    Task DeleteRegisteredModelTagAsync(string name, string key, CancellationToken ct = default);

    /// <summary>Points <paramref name="aliasName"/> at a version (moving it if it named another); a missing version throws RESOURCE_DOES_NOT_EXIST.</summary>
    Task SetAliasAsync(string name, string aliasName, long version, long now, CancellationToken ct = default);

    /// <summary>Removes an alias; a missing alias is a no-op, as in MLflow (the model itself must exist).</summary>
    Task DeleteAliasAsync(string name, string aliasName, CancellationToken ct = default);

    /// <summary>Creates the next version of an existing model, READY.</summary>
    Task<ModelVersion> CreateModelVersionAsync(NewModelVersion version, CancellationToken ct = default);

    Task<ModelVersion?> GetModelVersionAsync(string name, long version, CancellationToken ct = default);

    Task UpdateModelVersionAsync(string name, long version, string description, long now, CancellationToken ct = default);

    /// <summary>
    /// Moves a version to <paramref name="stage"/>; with <paramref name="archiveExisting"/> and a Staging or
    /// Production target, other versions in that stage move to Archived in the same transaction.
    /// </summary>
    Task<ModelVersion> TransitionStageAsync(string name, long version, string stage, bool archiveExisting, long now, CancellationToken ct = default);

    /// <summary>
    /// Deletes a version, its tags and every alias that named it, recording each alias's removal in the alias history
    /// (<see cref="ModelVersionDeletion"/>) in the same transaction.
    /// </summary>
    Task DeleteModelVersionAsync(string name, long version, ModelVersionDeletion deletion, CancellationToken ct = default);

    Task<Page<ModelVersion>> SearchModelVersionsAsync(RegistryQuery query, CancellationToken ct = default);

    Task SetModelVersionTagAsync(string name, long version, Tag tag, long now, CancellationToken ct = default);

    /// <summary>Deletes a version tag; a missing key is a no-op, as in MLflow (the version itself must exist).</summary>
    Task DeleteModelVersionTagAsync(string name, long version, string key, CancellationToken ct = default);
}
