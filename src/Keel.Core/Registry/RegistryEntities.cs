using Keel.Core.Tracking;
using Keel.Core.Tracking.Search;

namespace Keel.Core.Registry;

/// <summary>MLflow's model stages; <see cref="Parse"/> accepts any case and returns the canonical spelling.</summary>
public static class ModelStage
{
    public const string None = "None";
    public const string Staging = "Staging";
    public const string Production = "Production";
    public const string Archived = "Archived";

    public static IReadOnlyList<string> All { get; } = [None, Staging, Production, Archived];

    public static string? Parse(string? raw) =>
        All.FirstOrDefault(s => string.Equals(s, raw, StringComparison.OrdinalIgnoreCase));
}

/// <summary>MLflow's ModelVersionStatus names; Keel registers synchronously, so versions are READY at once.</summary>
public static class ModelVersionStatus
{
    public const string PendingRegistration = "PENDING_REGISTRATION";
    public const string FailedRegistration = "FAILED_REGISTRATION";
    public const string Ready = "READY";
}

public sealed record ModelAlias(string Alias, long Version);

/// <summary>
/// Who deleted a model version, and when: the aliases that named it are removed with it, and each removal is recorded in
/// the alias history under this user (kind <c>delete</c>, reason "version N deleted").
/// </summary>
public sealed record ModelVersionDeletion(string User, long Timestamp)
{
    /// <summary>The reason recorded for an alias removed with version <paramref name="version"/>.</summary>
    public static string ReasonFor(long version) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"version {version} deleted");
}

public sealed record ModelVersion(
    string Name,
    long Version,
    long CreationTimestamp,
    long LastUpdatedTimestamp,
    string UserId,
    string CurrentStage,
    string Description,
    string Source,
    string RunId,
    string Status,
    string StatusMessage,
    string RunLink,
    IReadOnlyList<Tag> Tags,
    IReadOnlyList<string> Aliases);

/// <summary>A registered model; <see cref="LatestVersions"/> holds the newest version of each stage.</summary>
public sealed record RegisteredModel(
    string Name,
    long CreationTimestamp,
    long LastUpdatedTimestamp,
    string Description,
    IReadOnlyList<ModelVersion> LatestVersions,
    IReadOnlyList<Tag> Tags,
    IReadOnlyList<ModelAlias> Aliases);

public sealed record NewRegisteredModel(string Name, string Description, IReadOnlyList<Tag> Tags, long CreationTimestamp);

public sealed record NewModelVersion(
    string Name,
    string Source,
    string RunId,
    string RunLink,
    string Description,
    string UserId,
    IReadOnlyList<Tag> Tags,
    long CreationTimestamp);

/// <summary>Search over registered models or model versions: a parsed filter, an order and an offset page.</summary>
public sealed record RegistryQuery(FilterNode? Filter, IReadOnlyList<OrderByTerm> OrderBy, int MaxResults, long Offset);
