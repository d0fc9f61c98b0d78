using System.Text.Json;
using Keel.Client;
using Keel.Contracts.KeelApi;
using Keel.Contracts.Mlflow;
using Keel.Core.Data;
using Keel.Core.Data.Profiles;
using Keel.Data.Repository;

namespace Keel.Data.Remote;

/// <summary>
/// After a push, records a dataset version for every pointer naming a dataset (<c>dataset:</c>), creating the dataset
/// when missing, unless its latest version already holds the same manifest (so pushing twice adds nothing).
/// </summary>
internal sealed class DatasetRegistration(KeelClient client, Func<TrackedData, CancellationToken, Task<DatasetProfile?>>? profiles)
{
    public async Task<IReadOnlyList<DatasetVersionDto>> RegisterAsync(IReadOnlyList<TrackedData> items, CancellationToken ct)
    {
        var created = new List<DatasetVersionDto>();
        foreach (var item in items)
        {
            if (item.Spec.Dataset is not { } name)
            {
                continue;
            }
            await EnsureDatasetAsync(name, ct).ConfigureAwait(false);
            var latest = (await client.ListDatasetVersionsAsync(name, maxResults: 1, ct: ct).ConfigureAwait(false)).DatasetVersions;
            if (latest.Count > 0 && latest[0].ManifestHash == item.Spec.Manifest)
            {
                continue;
            }
            var profile = profiles is null ? null : await profiles(item, ct).ConfigureAwait(false);
            created.Add(await client.CreateDatasetVersionAsync(name, new CreateDatasetVersionRequest
            {
                ManifestHash = item.Spec.Manifest,
                Size = item.Spec.Size,
                FileCount = item.Spec.Files,
                Kind = item.Spec.IsDirectory ? "directory" : "file",
                Source = item.RelativePath + DataPointer.Extension,
                Profile = profile is null ? null : ToElement(profile),
            }, ct).ConfigureAwait(false));
        }
        return created;
    }

    private async Task EnsureDatasetAsync(string name, CancellationToken ct)
    {
        try
        {
            await client.GetDatasetAsync(name, ct).ConfigureAwait(false);
        }
        catch (KeelApiException e) when (e.ErrorCode == ErrorCodes.ResourceDoesNotExist)
        {
            try
            {
                await client.CreateDatasetAsync(name, ct: ct).ConfigureAwait(false);
            }
            catch (KeelApiException raced) when (raced.ErrorCode == ErrorCodes.ResourceAlreadyExists)
            {
                // Another push created it in between; either way it exists now.
            }
        }
    }

    private static JsonElement ToElement(DatasetProfile profile)
    {
        using var document = JsonDocument.Parse(profile.ToJson());
        return document.RootElement.Clone();
    }
}
