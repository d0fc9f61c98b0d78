using System.Text.Json;
using Keel.Contracts.KeelApi;
using Keel.Contracts.Mlflow;
using Keel.Core.Common;
using Keel.Core.Data.Profiles;
using Keel.Core.Datasets;
using Keel.Core.Tracking;

namespace Keel.Server.KeelApi;

/// <summary>Datasets between Core and the wire. Only the wire's own gaps (a missing field) are checked here; the rules are Core's.</summary>
internal static class DatasetMapper
{
    public static RegisteredDatasetDto ToDto(this RegisteredDataset dataset) => new()
    {
        Name = dataset.Name,
        Description = dataset.Description,
        Tags = dataset.Tags.Select(t => new KeyValue(t.Key, t.Value)).ToArray(),
        CreationTimestamp = dataset.CreationTimestamp,
        LastUpdatedTimestamp = dataset.LastUpdatedTimestamp,
        LatestVersion = dataset.LatestVersion,
    };

    public static DatasetVersionDto ToDto(this DatasetVersion version) => new()
    {
        Name = version.Name,
        Version = version.Version,
        ManifestHash = version.ManifestHash,
        Size = version.Size,
        FileCount = version.FileCount,
        Kind = version.Kind,
        Description = version.Description,
        Tags = version.Tags.Select(t => new KeyValue(t.Key, t.Value)).ToArray(),
        RunId = version.RunId,
        Source = version.Source,
        RowCount = version.RowCount,
        Schema = version.Schema?.Select(c => new DatasetColumnDto { Name = c.Name, Type = c.Type }).ToArray(),
        Profile = version.Profile is { } profile ? ToElement(profile) : null,
        CreationTimestamp = version.CreationTimestamp,
        LastUpdatedTimestamp = version.LastUpdatedTimestamp,
    };

    public static IReadOnlyList<Tag>? ToTags(IReadOnlyList<KeyValue>? tags) =>
        tags?.Select((t, i) => t is null
            ? throw KeelException.InvalidParameter($"Missing value for required parameter 'tags[{i}]'.")
            : new Tag(t.Key ?? "", t.Value ?? "")).ToArray();

    public static NewDatasetVersion ToNewVersion(string name, CreateDatasetVersionRequest request) => new(
        name,
        request.ManifestHash ?? throw Missing("manifest_hash"),
        request.Size ?? throw Missing("size"),
        request.FileCount ?? throw Missing("file_count"),
        request.Kind ?? throw Missing("kind"),
        request.Description ?? "",
        ToTags(request.Tags) ?? [],
        request.RunId,
        request.Source,
        request.RowCount,
        request.Schema?.Select(c => c is null ? null! : new DatasetColumn(c.Name ?? "", c.Type ?? "")).ToArray(),
        request.Profile is { ValueKind: not JsonValueKind.Null } profile ? DatasetProfile.Parse(profile.GetRawText()) : null,
        0);

    private static KeelException Missing(string field) => KeelException.InvalidParameter($"Missing value for required parameter '{field}'.");

    private static JsonElement ToElement(DatasetProfile profile)
    {
        using var document = JsonDocument.Parse(profile.ToJson());
        return document.RootElement.Clone();
    }
}
