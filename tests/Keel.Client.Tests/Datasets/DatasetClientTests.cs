using System.Security.Cryptography;
using System.Text;
using Keel.Client;
using Keel.Client.Tests.Support;
using Keel.Contracts.KeelApi;
using Keel.Testing;

namespace Keel.Client.Tests.Datasets;

/// <summary>The SDK's dataset registry and data object calls against a real server.</summary>
public sealed class DatasetClientTests(ClientServerFixture fixture) : IClassFixture<ClientServerFixture>
{
    private KeelClient Client => fixture.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static (string Hash, byte[] Bytes) Object(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return (Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes);
    }

    private async Task<(string Manifest, long Size)> PushFileAsync()
    {
        var (chunkHash, chunk) = Object($"x\n{Guid.NewGuid():N}\n");
        var (manifestHash, manifest) = Object(
            $$"""{"version":1,"kind":"file","files":[{"path":"a.csv","size":{{chunk.Length}},"chunks":[{"h":"{{chunkHash}}","n":{{chunk.Length}}}]}]}""");
        await Client.UploadDataObjectAsync(chunkHash, chunk, Ct);
        await Client.UploadDataObjectAsync(manifestHash, manifest, Ct);
        return (manifestHash, chunk.Length);
    }

    [Fact]
    public async Task DataObjects_UploadFindMissingAndOpen()
    {
        var (hash, bytes) = Object(Names.Unique("object"));
        var (absent, _) = Object(Names.Unique("absent"));

        var before = await Client.FindMissingDataObjectsAsync([hash, absent, hash], Ct);
        await Client.UploadDataObjectAsync(hash, bytes, Ct);
        var after = await Client.FindMissingDataObjectsAsync([hash, absent], Ct);
        await using var stream = await Client.OpenDataObjectAsync(hash, Ct);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Ct);

        Assert.Equal([hash, absent], before);
        Assert.Equal([absent], after);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task FindMissing_MoreThanOneBatch_IsSplitByTheClient()
    {
        var hashes = Enumerable.Range(0, DataObjectLimits.MaxHashesPerRequest + 5).Select(i => Object(Names.Unique("h" + i)).Hash).ToArray();

        var missing = await Client.FindMissingDataObjectsAsync(hashes, Ct);

        Assert.Equal(hashes, missing);
    }

    [Fact]
    public async Task UploadDataObject_WrongBytes_ThrowsInvalidParameterValue()
    {
        var (hash, _) = Object(Names.Unique("claimed"));

        var error = await Assert.ThrowsAsync<KeelApiException>(() => Client.UploadDataObjectAsync(hash, "other"u8.ToArray(), Ct));

        Assert.Equal("INVALID_PARAMETER_VALUE", error.ErrorCode);
        Assert.Equal(400, error.StatusCode);
        var open = await Assert.ThrowsAsync<KeelApiException>(() => Client.OpenDataObjectAsync(hash, Ct));
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", open.ErrorCode);
    }

    [Fact]
    public async Task Datasets_FullLifecycle()
    {
        var name = Names.Unique("sdk-ds");
        var (manifest, size) = await PushFileAsync();

        var created = await Client.CreateDatasetAsync(name, "raw", new Dictionary<string, string> { ["team"] = "ml" }, Ct);
        var version = await Client.CreateDatasetVersionAsync(name, new CreateDatasetVersionRequest { ManifestHash = manifest, Size = size, FileCount = 1, Kind = "file" }, Ct);
        await Client.SetDatasetTagAsync(name, "owner", "ana", Ct);
        await Client.SetDatasetVersionTagAsync(name, 1, "checked", "yes", Ct);
        await Client.DeleteDatasetTagAsync(name, "team", Ct);
        var updated = await Client.UpdateDatasetAsync(name, "clean", Ct);
        var versions = await Client.ListDatasetVersionsAsync(name, maxResults: 10, ct: Ct);
        var byManifest = await Client.FindDatasetVersionsByManifestAsync(manifest, Ct);
        var search = await Client.SearchDatasetsAsync(name, ct: Ct);
        var got = await Client.GetDatasetVersionAsync(name, 1, Ct);
        await Client.DeleteDatasetVersionTagAsync(name, 1, "checked", Ct);
        await Client.DeleteDatasetAsync(name, Ct);
        var gone = await Assert.ThrowsAsync<KeelApiException>(() => Client.GetDatasetAsync(name, Ct));

        Assert.Equal("raw", created.Description);
        Assert.Equal(1, version.Version);
        Assert.Equal("clean", updated.Description);
        Assert.Equal(["owner"], updated.Tags.Select(t => t.Key));
        Assert.Equal(1, updated.LatestVersion);
        Assert.Equal(manifest, Assert.Single(versions.DatasetVersions).ManifestHash);
        Assert.Equal(name, Assert.Single(byManifest).Name);
        Assert.Equal(name, Assert.Single(search.Datasets).Name);
        Assert.Equal("yes", Assert.Single(got.Tags).Value);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", gone.ErrorCode);
    }

    [Fact]
    public async Task CreateDatasetVersion_ManifestNotPushed_ThrowsNamingManifestHash()
    {
        var name = Names.Unique("sdk-unpushed");
        await Client.CreateDatasetAsync(name, ct: Ct);

        var error = await Assert.ThrowsAsync<KeelApiException>(() => Client.CreateDatasetVersionAsync(name,
            new CreateDatasetVersionRequest { ManifestHash = new string('b', 64), Size = 1, FileCount = 1, Kind = "file" }, Ct));

        Assert.Equal("INVALID_PARAMETER_VALUE", error.ErrorCode);
        Assert.Contains("'manifest_hash'", error.Message, StringComparison.Ordinal);
        Assert.Contains("push", error.Message, StringComparison.Ordinal);
    }
}
