using System.Globalization;
using Keel.Contracts.Mlflow;
using Keel.Core.Registry;

namespace Keel.Server.Registry;

/// <summary>Registry entities to MLflow wire records.</summary>
internal static class RegistryMapper
{
    public static ModelVersionDto ToDto(this ModelVersion v) => new()
    {
        Name = v.Name,
        Version = Number(v.Version),
        CreationTimestamp = v.CreationTimestamp,
        LastUpdatedTimestamp = v.LastUpdatedTimestamp,
        UserId = v.UserId,
        CurrentStage = v.CurrentStage,
        Description = v.Description,
        Source = v.Source,
        RunId = v.RunId,
        Status = v.Status,
        StatusMessage = v.StatusMessage,
        Tags = v.Tags.Select(t => new KeyValue(t.Key, t.Value)).ToArray(),
        RunLink = v.RunLink,
        Aliases = v.Aliases,
    };

    public static RegisteredModelDto ToDto(this RegisteredModel m) => new()
    {
        Name = m.Name,
        CreationTimestamp = m.CreationTimestamp,
        LastUpdatedTimestamp = m.LastUpdatedTimestamp,
        Description = m.Description,
        LatestVersions = m.LatestVersions.Select(ToDto).ToArray(),
        Tags = m.Tags.Select(t => new KeyValue(t.Key, t.Value)).ToArray(),
        Aliases = m.Aliases.Select(a => new RegisteredModelAliasDto(a.Alias, Number(a.Version))).ToArray(),
    };

    private static string Number(long version) => version.ToString(CultureInfo.InvariantCulture);
}
