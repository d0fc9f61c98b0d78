using Keel.Client.Tests.Support;
using Keel.Contracts.Mlflow;
using Keel.Testing;

namespace Keel.Client.Tests.Registry;

public sealed class RegistryClientTests(ClientServerFixture fixture) : IClassFixture<ClientServerFixture>
{
    private readonly KeelClient _client = fixture.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> NewRunIdAsync()
    {
        var experimentId = await _client.CreateExperimentAsync(Names.Unique("reg"), ct: Ct);
        return (await _client.CreateRunAsync(new CreateRunRequest { ExperimentId = experimentId }, Ct)).Info.RunId;
    }

    private static string Tag(IReadOnlyList<KeyValue> tags, string key) => tags.Single(t => t.Key == key).Value;

    [Fact]
    public async Task RegisteredModel_CreateGetRenameUpdateTagDelete_RoundTrips()
    {
        var name = Names.Unique("model");
        var renamed = name + "-renamed";

        var created = await _client.CreateRegisteredModelAsync(name, "first", new Dictionary<string, string> { ["team"] = "risk" }, Ct);
        var fetched = await _client.GetRegisteredModelAsync(name, Ct);
        var afterRename = await _client.RenameRegisteredModelAsync(name, renamed, Ct);
        var afterUpdate = await _client.UpdateRegisteredModelAsync(renamed, "second", Ct);
        await _client.SetRegisteredModelTagAsync(renamed, "owner", "ada", Ct);
        await _client.DeleteRegisteredModelTagAsync(renamed, "team", Ct);
        var tagged = await _client.GetRegisteredModelAsync(renamed, Ct);
        await _client.DeleteRegisteredModelAsync(renamed, Ct);

        Assert.Equal(name, created.Name);
        Assert.Equal("first", fetched.Description);
        Assert.Equal("risk", Tag(fetched.Tags, "team"));
        Assert.Equal(renamed, afterRename.Name);
        Assert.Equal("second", afterUpdate.Description);
        Assert.Equal("ada", Tag(tagged.Tags, "owner"));
        Assert.DoesNotContain(tagged.Tags, t => t.Key == "team");
        var missing = await Assert.ThrowsAsync<KeelApiException>(() => _client.GetRegisteredModelAsync(renamed, Ct));
        Assert.Equal(ErrorCodes.ResourceDoesNotExist, missing.ErrorCode);
        Assert.Equal(404, missing.StatusCode);
    }

    [Fact]
    public async Task CreateRegisteredModelAsync_TakenName_ThrowsAlreadyExists()
    {
        var name = Names.Unique("dup");
        await _client.CreateRegisteredModelAsync(name, ct: Ct);

        var e = await Assert.ThrowsAsync<KeelApiException>(() => _client.CreateRegisteredModelAsync(name, ct: Ct));

        Assert.Equal(ErrorCodes.ResourceAlreadyExists, e.ErrorCode);
    }

    [Fact]
    public async Task ModelVersion_CreateGetUpdateTagAliasStageDelete_RoundTrips()
    {
        var runId = await NewRunIdAsync();
        var name = Names.Unique("mv");
        await _client.CreateRegisteredModelAsync(name, ct: Ct);

        var v1 = await _client.CreateModelVersionAsync(name, $"runs:/{runId}/model", runId, "v one", new Dictionary<string, string> { ["k"] = "v" }, Ct);
        var v2 = await _client.CreateModelVersionAsync(name, $"runs:/{runId}/model", ct: Ct);
        var updated = await _client.UpdateModelVersionAsync(name, 1, "v one, edited", Ct);
        await _client.SetModelVersionTagAsync(name, 1, "validated", "yes", Ct);
        await _client.DeleteModelVersionTagAsync(name, 1, "k", Ct);
        await _client.SetRegisteredModelAliasAsync(name, "champion", 2, Ct);
        var byAlias = await _client.GetModelVersionByAliasAsync(name, "champion", Ct);
        var staged = await _client.TransitionModelVersionStageAsync(name, 1, "production", archiveExistingVersions: true, Ct);
        var fetched = await _client.GetModelVersionAsync(name, 1, Ct);
        var downloadUri = await _client.GetModelVersionDownloadUriAsync(name, 1, Ct);
        await _client.DeleteRegisteredModelAliasAsync(name, "champion", Ct);
        var afterAliasDelete = await _client.GetRegisteredModelAsync(name, Ct);
        await _client.DeleteModelVersionAsync(name, 2, Ct);

        Assert.Equal("1", v1.Version);
        Assert.Equal("2", v2.Version);
        Assert.Equal(runId, v2.RunId);
        Assert.Equal("v one, edited", updated.Description);
        Assert.Equal("2", byAlias.Version);
        Assert.Contains("champion", byAlias.Aliases);
        Assert.Equal("Production", staged.CurrentStage);
        Assert.Equal("yes", Tag(fetched.Tags, "validated"));
        Assert.DoesNotContain(fetched.Tags, t => t.Key == "k");
        Assert.StartsWith("mlflow-artifacts:/", downloadUri, StringComparison.Ordinal);
        Assert.EndsWith($"{runId}/artifacts/model", downloadUri, StringComparison.Ordinal);
        Assert.Empty(afterAliasDelete.Aliases);
        var gone = await Assert.ThrowsAsync<KeelApiException>(() => _client.GetModelVersionAsync(name, 2, Ct));
        Assert.Equal(ErrorCodes.ResourceDoesNotExist, gone.ErrorCode);
    }

    [Fact]
    public async Task RegistryWrites_NameTheClientsUser_InTheAliasHistory()
    {
        using var zoe = new KeelClient(new KeelClientOptions { TrackingUri = fixture.Server.BaseAddress, User = "zoe" });
        var runId = await NewRunIdAsync();
        var name = Names.Unique("who");
        await zoe.CreateRegisteredModelAsync(name, ct: Ct);
        await zoe.CreateModelVersionAsync(name, $"runs:/{runId}/model", ct: Ct);
        await zoe.CreateModelVersionAsync(name, $"runs:/{runId}/model", ct: Ct);

        await zoe.SetRegisteredModelAliasAsync(name, "champion", 1, Ct);
        await _client.SetRegisteredModelAliasAsync(name, "champion", 2, Ct);
        await zoe.DeleteModelVersionAsync(name, 2, Ct);

        var history = await zoe.GetAliasHistoryAsync(name, "champion", Ct);
        Assert.Equal([("set", "zoe"), ("set", Environment.UserName), ("delete", "zoe")], history.Select(m => (m.Kind, m.User)));
        Assert.Equal("version 2 deleted", history[^1].Reason);
    }

    [Fact]
    public async Task GetLatestVersionsAsync_ByStage_ReturnsNewestPerStage()
    {
        var runId = await NewRunIdAsync();
        var name = Names.Unique("latest");
        await _client.CreateRegisteredModelAsync(name, ct: Ct);
        for (var i = 0; i < 3; i++)
        {
            await _client.CreateModelVersionAsync(name, $"runs:/{runId}/model", ct: Ct);
        }
        await _client.TransitionModelVersionStageAsync(name, 1, "Staging", ct: Ct);

        var all = await _client.GetLatestVersionsAsync(name, ct: Ct);
        var staging = await _client.GetLatestVersionsAsync(name, ["Staging"], Ct);

        Assert.Equal(["1", "3"], all.Select(v => v.Version).Order(StringComparer.Ordinal));
        Assert.Equal("1", Assert.Single(staging).Version);
    }

    [Fact]
    public async Task SearchAsync_FilterAndPages_WalkEveryMatchOnce()
    {
        var runId = await NewRunIdAsync();
        var prefix = Names.Unique("search");
        foreach (var suffix in new[] { "a", "b", "c" })
        {
            await _client.CreateRegisteredModelAsync($"{prefix}-{suffix}", ct: Ct);
            await _client.CreateModelVersionAsync($"{prefix}-{suffix}", $"runs:/{runId}/model", ct: Ct);
        }

        var names = new List<string>();
        string? token = null;
        do
        {
            var page = await _client.SearchRegisteredModelsAsync($"name LIKE '{prefix}%'", ["name DESC"], maxResults: 2, pageToken: token, ct: Ct);
            names.AddRange(page.RegisteredModels.Select(m => m.Name));
            token = page.NextPageToken;
        }
        while (token is not null);
        var versions = await _client.SearchModelVersionsAsync($"name = '{prefix}-b'", ct: Ct);

        Assert.Equal([$"{prefix}-c", $"{prefix}-b", $"{prefix}-a"], names);
        Assert.Equal($"{prefix}-b", Assert.Single(versions.ModelVersions).Name);
        Assert.Null(versions.NextPageToken);
    }

    [Fact]
    public async Task CreateModelVersionAsync_SourceOutsideStore_ThrowsInvalidParameter()
    {
        var name = Names.Unique("bad-source");
        await _client.CreateRegisteredModelAsync(name, ct: Ct);

        var e = await Assert.ThrowsAsync<KeelApiException>(() => _client.CreateModelVersionAsync(name, "file:///etc/passwd", ct: Ct));

        Assert.Equal(ErrorCodes.InvalidParameterValue, e.ErrorCode);
        Assert.Equal(400, e.StatusCode);
    }

    [Fact]
    public async Task VersionArguments_BelowOne_ThrowBeforeCallingTheServer()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _client.GetModelVersionAsync("m", 0, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _client.SearchModelVersionsAsync(maxResults: 0, ct: Ct));
    }
}
