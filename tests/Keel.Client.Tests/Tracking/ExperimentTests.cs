using Keel.Client.Tests.Support;
using Keel.Contracts.Mlflow;
using Keel.Testing;

namespace Keel.Client.Tests.Tracking;

public sealed class ExperimentTests(ClientServerFixture fixture) : IClassFixture<ClientServerFixture>
{
    private readonly KeelClient _client = fixture.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateExperimentAsync_WithTags_GetReturnsItActive()
    {
        var name = Names.Unique("exp");

        var id = await _client.CreateExperimentAsync(name, tags: new Dictionary<string, string> { ["team"] = "vision" }, ct: Ct);
        var experiment = await _client.GetExperimentAsync(id, Ct);

        Assert.Equal(id, experiment.ExperimentId);
        Assert.Equal(name, experiment.Name);
        Assert.Equal("active", experiment.LifecycleStage);
        Assert.Equal($"mlflow-artifacts:/{id}", experiment.ArtifactLocation);
        Assert.Contains(new KeyValue("team", "vision"), experiment.Tags);
        Assert.True(experiment.CreationTime > 0);
    }

    [Fact]
    public async Task CreateExperimentAsync_NameTaken_ThrowsResourceAlreadyExists()
    {
        var name = Names.Unique("dup");
        await _client.CreateExperimentAsync(name, ct: Ct);

        var e = await Assert.ThrowsAsync<KeelApiException>(() => _client.CreateExperimentAsync(name, ct: Ct));

        Assert.Equal(ErrorCodes.ResourceAlreadyExists, e.ErrorCode);
        Assert.Equal(400, e.StatusCode);
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetExperimentAsync_UnknownId_ThrowsResourceDoesNotExistWith404()
    {
        var e = await Assert.ThrowsAsync<KeelApiException>(() => _client.GetExperimentAsync("987654321", Ct));

        Assert.Equal(ErrorCodes.ResourceDoesNotExist, e.ErrorCode);
        Assert.Equal(404, e.StatusCode);
        Assert.Equal("No Experiment with id=987654321 exists", e.Message);
    }

    [Fact]
    public async Task GetExperimentByNameAsync_Existing_ReturnsIt()
    {
        var name = Names.Unique("byname");
        var id = await _client.CreateExperimentAsync(name, ct: Ct);

        var experiment = await _client.GetExperimentByNameAsync(name, Ct);

        Assert.NotNull(experiment);
        Assert.Equal(id, experiment.ExperimentId);
    }

    [Fact]
    public async Task GetExperimentByNameAsync_Unknown_ReturnsNull()
    {
        Assert.Null(await _client.GetExperimentByNameAsync(Names.Unique("missing"), Ct));
    }

    [Fact]
    public async Task GetOrCreateExperimentAsync_CalledTwice_CreatesOnceAndReturnsSameId()
    {
        var name = Names.Unique("goc");

        var first = await _client.GetOrCreateExperimentAsync(name, Ct);
        var second = await _client.GetOrCreateExperimentAsync(name, Ct);

        Assert.Equal(first, second);
        Assert.Equal(name, (await _client.GetExperimentAsync(first, Ct)).Name);
    }

    [Fact]
    public async Task GetOrCreateExperimentAsync_ConcurrentCallers_AllGetTheOneExperiment()
    {
        var name = Names.Unique("race");

        var ids = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _client.GetOrCreateExperimentAsync(name, Ct)));

        Assert.Single(ids.Distinct());
    }

    [Fact]
    public async Task GetOrCreateExperimentAsync_DeletedExperiment_ThrowsInvalidOperation()
    {
        var name = Names.Unique("gone");
        var id = await _client.CreateExperimentAsync(name, ct: Ct);
        await _client.DeleteExperimentAsync(id, Ct);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => _client.GetOrCreateExperimentAsync(name, Ct));

        Assert.Contains("deleted", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SearchExperimentsAsync_PageSizeTwo_FollowsTokensThroughAllMatches()
    {
        var prefix = Names.Unique("page");
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await _client.CreateExperimentAsync($"{prefix}-{i}", ct: Ct));
        }

        var pages = new List<SearchExperimentsResponse>();
        var request = new SearchExperimentsRequest { Filter = $"name LIKE '{prefix}-%'", MaxResults = 2, OrderBy = ["name ASC"] };
        do
        {
            var page = await _client.SearchExperimentsAsync(request, Ct);
            pages.Add(page);
            request = request with { PageToken = page.NextPageToken };
        }
        while (request.PageToken is not null);

        Assert.Equal([2, 2, 1], pages.Select(p => p.Experiments.Count));
        Assert.Equal(created, pages.SelectMany(p => p.Experiments).Select(e => e.ExperimentId));
    }

    [Fact]
    public async Task RenameExperimentAsync_NewName_GetByNewNameFindsIt()
    {
        var id = await _client.CreateExperimentAsync(Names.Unique("old"), ct: Ct);
        var newName = Names.Unique("new");

        await _client.RenameExperimentAsync(id, newName, Ct);

        Assert.Equal(newName, (await _client.GetExperimentAsync(id, Ct)).Name);
        Assert.Equal(id, (await _client.GetExperimentByNameAsync(newName, Ct))?.ExperimentId);
    }

    [Fact]
    public async Task DeleteExperimentAsync_ThenRestore_LifecycleGoesDeletedThenActive()
    {
        var id = await _client.CreateExperimentAsync(Names.Unique("life"), ct: Ct);

        await _client.DeleteExperimentAsync(id, Ct);
        var deleted = await _client.GetExperimentAsync(id, Ct);
        await _client.RestoreExperimentAsync(id, Ct);
        var restored = await _client.GetExperimentAsync(id, Ct);

        Assert.Equal("deleted", deleted.LifecycleStage);
        Assert.Equal("active", restored.LifecycleStage);
    }

    [Fact]
    public async Task SetExperimentTagAsync_SetTwice_LastValueWins()
    {
        var id = await _client.CreateExperimentAsync(Names.Unique("tag"), ct: Ct);

        await _client.SetExperimentTagAsync(id, "stage", "draft", Ct);
        await _client.SetExperimentTagAsync(id, "stage", "final", Ct);

        var experiment = await _client.GetExperimentAsync(id, Ct);
        Assert.Equal("final", Assert.Single(experiment.Tags, t => t.Key == "stage").Value);
    }
}
