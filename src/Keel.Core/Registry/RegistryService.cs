using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Tracking;
using Keel.Core.Tracking.Search;
using static Keel.Core.Tracking.TrackingValidation;

namespace Keel.Core.Registry;

/// <summary>The rules of MLflow's model registry; hosts call this, never the store directly.</summary>
public sealed class RegistryService(IRegistryStore store, ITrackingStore tracking, TimeProvider time)
{
    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    // ---- registered models ----

    public async Task<RegisteredModel> CreateRegisteredModelAsync(string? name, string? description, IReadOnlyList<Tag>? tags, CancellationToken ct = default)
    {
        ModelName(name, "name");
        MaxLength(description, RegistryLimits.MaxDescriptionLength, "description");
        var validTags = RegistryTags(tags ?? []);
        return await store.CreateRegisteredModelAsync(new NewRegisteredModel(name!, description ?? "", validTags, Now), ct);
    }

    public async Task<RegisteredModel> GetRegisteredModelAsync(string? name, CancellationToken ct = default)
    {
        Required(name, "name");
        return await store.GetRegisteredModelAsync(name!, ct)
            ?? throw KeelException.NotFound($"Registered Model with name={name} not found");
    }

    public async Task<RegisteredModel> RenameRegisteredModelAsync(string? name, string? newName, CancellationToken ct = default)
    {
        ModelName(newName, "new_name");
        var model = await GetRegisteredModelAsync(name, ct);
        await store.RenameRegisteredModelAsync(model.Name, newName!, Now, ct);
        return await GetRegisteredModelAsync(newName, ct);
    }

    public async Task<RegisteredModel> UpdateRegisteredModelAsync(string? name, string? description, CancellationToken ct = default)
    {
        MaxLength(description, RegistryLimits.MaxDescriptionLength, "description");
        var model = await GetRegisteredModelAsync(name, ct);
        await store.UpdateRegisteredModelAsync(model.Name, description ?? "", Now, ct);
        return await GetRegisteredModelAsync(name, ct);
    }

    public async Task DeleteRegisteredModelAsync(string? name, CancellationToken ct = default)
    {
        var model = await GetRegisteredModelAsync(name, ct);
        await store.DeleteRegisteredModelAsync(model.Name, ct);
    }

    public Task<Page<RegisteredModel>> SearchRegisteredModelsAsync(
        long? maxResults, string? pageToken, string? filter, IReadOnlyList<string>? orderBy, CancellationToken ct = default) =>
        store.SearchRegisteredModelsAsync(new RegistryQuery(
            SearchFilterParser.ParseRegisteredModelFilter(filter),
            SearchFilterParser.ParseRegisteredModelOrderBy(orderBy),
            MaxResults(maxResults, RegistryLimits.DefaultRegisteredModelSearchResults, RegistryLimits.MaxRegisteredModelSearchResults),
            PageToken.DecodeOffset(pageToken)), ct);

    /// <summary>The newest version in each of <paramref name="stages"/> (every stage when none are given).</summary>
    public async Task<IReadOnlyList<ModelVersion>> GetLatestVersionsAsync(string? name, IReadOnlyList<string>? stages, CancellationToken ct = default)
    {
        var wanted = (stages ?? []).Select(s => Stage(s, "stages")).ToHashSet(StringComparer.Ordinal);
        var model = await GetRegisteredModelAsync(name, ct);
        return model.LatestVersions.Where(v => wanted.Count == 0 || wanted.Contains(v.CurrentStage)).ToArray();
    }

    public async Task SetRegisteredModelTagAsync(string? name, string? key, string? value, CancellationToken ct = default)
    {
        var tag = RegistryTags([new Tag(Required(key, "key"), value ?? "")])[0];
        var model = await GetRegisteredModelAsync(name, ct);
        await store.SetRegisteredModelTagAsync(model.Name, tag, Now, ct);
    }

    public async Task DeleteRegisteredModelTagAsync(string? name, string? key, CancellationToken ct = default)
    {
        Required(key, "key");
        var model = await GetRegisteredModelAsync(name, ct);
        await store.DeleteRegisteredModelTagAsync(model.Name, key!, ct);
    }

    // ---- aliases ----

    public async Task SetAliasAsync(string? name, string? alias, string? version, CancellationToken ct = default)
    {
        AliasName(alias);
        var number = VersionNumber(version);
        var model = await GetRegisteredModelAsync(name, ct);
        await store.SetAliasAsync(model.Name, alias!, number, Now, ct);
    }

    public async Task DeleteAliasAsync(string? name, string? alias, CancellationToken ct = default)
    {
        Required(alias, "alias");
        var model = await GetRegisteredModelAsync(name, ct);
        await store.DeleteAliasAsync(model.Name, alias!, ct);
    }

    /// <summary>
    /// The version <paramref name="alias"/> points at. A missing alias, on an unknown model too, is
    /// INVALID_PARAMETER_VALUE "Registered model alias &lt;alias&gt; not found.": MLflow's answer, which clients check.
    /// </summary>
    public async Task<ModelVersion> GetModelVersionByAliasAsync(string? name, string? alias, CancellationToken ct = default)
    {
        Required(name, "name");
        Required(alias, "alias");
        var target = (await store.GetRegisteredModelAsync(name!, ct))?.Aliases.FirstOrDefault(a => a.Alias == alias)
            ?? throw KeelException.InvalidParameter($"Registered model alias {alias} not found.");
        return await GetModelVersionAsync(name!, target.Version, ct);
    }

    // ---- model versions ----

    public async Task<ModelVersion> CreateModelVersionAsync(
        string? name, string? source, string? runId, string? runLink, string? description, IReadOnlyList<Tag>? tags, CancellationToken ct = default)
    {
        Required(name, "name");
        MaxLength(description, RegistryLimits.MaxDescriptionLength, "description");
        var validTags = RegistryTags(tags ?? []);
        var model = await GetRegisteredModelAsync(name, ct);
        var (resolved, resolvedRunId) = source is not null && source.StartsWith(ModelUri.ModelsScheme, StringComparison.Ordinal)
            ? await ModelSource.ResolveCopyAsync(source, runId, store, tracking, ct)
            : await ModelSource.ResolveAsync(source, runId, tracking, ct);
        return await store.CreateModelVersionAsync(
            new NewModelVersion(model.Name, resolved, resolvedRunId, runLink ?? "", description ?? "", "", validTags, Now), ct);
    }

    public Task<ModelVersion> GetModelVersionAsync(string? name, string? version, CancellationToken ct = default)
    {
        Required(name, "name");
        return GetModelVersionAsync(name!, VersionNumber(version), ct);
    }

    public async Task<ModelVersion> UpdateModelVersionAsync(string? name, string? version, string? description, CancellationToken ct = default)
    {
        MaxLength(description, RegistryLimits.MaxDescriptionLength, "description");
        var existing = await GetModelVersionAsync(name, version, ct);
        await store.UpdateModelVersionAsync(existing.Name, existing.Version, description ?? "", Now, ct);
        return await GetModelVersionAsync(existing.Name, existing.Version, ct);
    }

    public async Task<ModelVersion> TransitionStageAsync(string? name, string? version, string? stage, bool? archiveExistingVersions, CancellationToken ct = default)
    {
        var canonical = Stage(stage, "stage");
        var existing = await GetModelVersionAsync(name, version, ct);
        return await store.TransitionStageAsync(existing.Name, existing.Version, canonical, archiveExistingVersions ?? false, Now, ct);
    }

    /// <summary>Deletes a version; the aliases that named it go with it, each removal recorded under <paramref name="user"/>.</summary>
    public async Task DeleteModelVersionAsync(string? name, string? version, string? user, CancellationToken ct = default)
    {
        var deletion = new ModelVersionDeletion(Governance.PromotionService.UserOrUnknown(user), Now);
        var existing = await GetModelVersionAsync(name, version, ct);
        await store.DeleteModelVersionAsync(existing.Name, existing.Version, deletion, ct);
    }

    public Task<Page<ModelVersion>> SearchModelVersionsAsync(
        long? maxResults, string? pageToken, string? filter, IReadOnlyList<string>? orderBy, CancellationToken ct = default) =>
        store.SearchModelVersionsAsync(new RegistryQuery(
            SearchFilterParser.ParseModelVersionFilter(filter),
            SearchFilterParser.ParseModelVersionOrderBy(orderBy),
            MaxResults(maxResults, RegistryLimits.DefaultModelVersionSearchResults, RegistryLimits.MaxModelVersionSearchResults),
            PageToken.DecodeOffset(pageToken)), ct);

    /// <summary>The stored <c>mlflow-artifacts:/</c> URI of a version, never a server path.</summary>
    public async Task<string> GetDownloadUriAsync(string? name, string? version, CancellationToken ct = default) =>
        (await GetModelVersionAsync(name, version, ct)).Source;

    public async Task SetModelVersionTagAsync(string? name, string? version, string? key, string? value, CancellationToken ct = default)
    {
        var tag = RegistryTags([new Tag(Required(key, "key"), value ?? "")])[0];
        var existing = await GetModelVersionAsync(name, version, ct);
        await store.SetModelVersionTagAsync(existing.Name, existing.Version, tag, Now, ct);
    }

    public async Task DeleteModelVersionTagAsync(string? name, string? version, string? key, CancellationToken ct = default)
    {
        Required(key, "key");
        var existing = await GetModelVersionAsync(name, version, ct);
        await store.DeleteModelVersionTagAsync(existing.Name, existing.Version, key!, ct);
    }

    // ---- rules ----

    private async Task<ModelVersion> GetModelVersionAsync(string name, long version, CancellationToken ct) =>
        await store.GetModelVersionAsync(name, version, ct)
            ?? throw KeelException.NotFound(string.Create(CultureInfo.InvariantCulture, $"Model Version (name={name}, version={version}) not found"));

    // Names appear in models:/<name>/<version> URIs, so path separators and control characters are refused.
    private static void ModelName(string? raw, string field)
    {
        var name = Required(raw, field);
        MaxLength(name, RegistryLimits.MaxModelNameLength, field);
        if (name.Any(c => char.IsControl(c) || c is '/' or '\\') || name.Trim().Length == 0)
        {
            throw KeelException.InvalidParameter(
                $"Invalid value '{name}' for parameter '{field}': model names must not be blank or contain '/', '\\' or control characters.");
        }
    }

    // MLflow's alias rule: word characters and '-', and not 'latest' or 'v<number>', which name versions.
    internal static void AliasName(string? raw)
    {
        var alias = Required(raw, "alias");
        MaxLength(alias, RegistryLimits.MaxAliasLength, "alias");
        if (!alias.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw KeelException.InvalidParameter(
                $"Invalid value '{alias}' for parameter 'alias': aliases may contain only letters, digits, '_' and '-'.");
        }
        if (alias.Equals("latest", StringComparison.OrdinalIgnoreCase)
            || (alias.Length > 1 && alias[0] is 'v' or 'V' && alias[1..].All(char.IsAsciiDigit)))
        {
            throw KeelException.InvalidParameter(
                $"Invalid value '{alias}' for parameter 'alias': 'latest' and 'v<number>' are reserved for version references.");
        }
    }

    internal static long VersionNumber(string? version)
    {
        Required(version, "version");
        return long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw KeelException.InvalidParameter($"Invalid value '{version}' for parameter 'version': model versions are positive integers.");
    }

    private static string Stage(string? stage, string field) =>
        ModelStage.Parse(Required(stage, field))
            ?? throw KeelException.InvalidParameter(
                $"Invalid value '{stage}' for parameter '{field}': expected one of {string.Join(", ", ModelStage.All)} (any case).");

    private static IReadOnlyList<Tag> RegistryTags(IReadOnlyList<Tag> tags)
    {
        foreach (var tag in tags)
        {
            EntityKey(tag.Key, "Tag");
            MaxLength(tag.Value, RegistryLimits.MaxTagValueLength, "value");
        }
        return tags;
    }
}
