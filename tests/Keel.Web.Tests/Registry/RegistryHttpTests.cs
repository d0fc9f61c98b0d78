using System.Net;

namespace Keel.Web.Tests.Registry;

/// <summary>The registry pages over plain HTTP: form protection, and the HTML error pages for bad or unknown URLs.</summary>
public sealed class RegistryHttpTests(UiServerFixture server) : IClassFixture<UiServerFixture>
{
    private readonly CatalogSeed _seed = new(server);

    [Fact]
    public async Task EditDescription_WithToken_Saves_AndWithoutToken_Is400AndChangesNothing()
    {
        var model = CatalogSeed.Unique("csrf");
        await _seed.ModelFromRunAsync(model, null, "original");
        var session = await FormSession.OpenAsync(server, $"models/{model}");

        var (rejected, body, _) = await session.PostAsync(server, $"models/{model}/description", [new("description", "forged")], withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, rejected);
        Assert.Contains("nothing was changed", body, StringComparison.Ordinal);
        Assert.Equal("original", (await _seed.Registry.GetRegisteredModelAsync(model)).Description);

        var (accepted, _, response) = await session.PostAsync(server, $"models/{model}/description", [new("description", "edited")]);
        Assert.Equal(HttpStatusCode.Redirect, accepted);
        Assert.Equal($"/models/{model}", response.Headers.Location?.ToString());
        Assert.Equal("edited", (await _seed.Registry.GetRegisteredModelAsync(model)).Description);
    }

    [Fact]
    public async Task SetAlias_InvalidName_Is400NamingAlias_AndNothingStored()
    {
        var model = CatalogSeed.Unique("alias");
        await _seed.ModelFromRunAsync(model, null);
        var session = await FormSession.OpenAsync(server, $"models/{model}");

        var (status, body, _) = await session.PostAsync(server, $"models/{model}/aliases", [new("alias", "bad alias!"), new("version", "1")]);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("parameter 'alias'", WebUtility.HtmlDecode(body), StringComparison.Ordinal);
        Assert.Empty((await _seed.Registry.GetRegisteredModelAsync(model)).Aliases);
    }

    [Fact]
    public async Task TransitionStage_UnknownStage_Is400NamingStage()
    {
        var model = CatalogSeed.Unique("stage");
        await _seed.ModelFromRunAsync(model, null);
        var session = await FormSession.OpenAsync(server, $"models/{model}/versions/1");

        var (status, body, _) = await session.PostAsync(server, $"models/{model}/versions/1/stage", [new("stage", "Prod")]);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("parameter 'stage'", WebUtility.HtmlDecode(body), StringComparison.Ordinal);
        Assert.Equal("None", (await _seed.Registry.GetModelVersionAsync(model, "1")).CurrentStage);
    }

    [Theory]
    [InlineData("models/no-such-model-h6")]
    [InlineData("models/no-such-model-h6/versions/1")]
    public async Task UnknownModel_Is404Page(string url)
    {
        var (status, body, response) = await server.GetPageAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-such-model-h6", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownVersion_Is404_AndNonNumericVersion_Is400NamingVersion()
    {
        var model = CatalogSeed.Unique("versions");
        await _seed.ModelFromRunAsync(model, null);

        var (missing, _, _) = await server.GetPageAsync($"models/{model}/versions/7");
        var (bad, body, _) = await server.GetPageAsync($"models/{model}/versions/abc");

        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Contains("parameter 'version'", WebUtility.HtmlDecode(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelsList_SearchFindsByNamePart_AndEmptySearchSaysSo()
    {
        var model = CatalogSeed.Unique("searchable");
        await _seed.ModelFromRunAsync(model, null);

        var (status, body, _) = await server.GetPageAsync($"models?q={model[^8..]}");
        var (_, none, _) = await server.GetPageAsync("models?q=zz-no-model-matches-this");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"href=\"/models/{model}\"", body, StringComparison.Ordinal);
        Assert.Contains("No model name contains this text.", none, StringComparison.Ordinal);
    }
}
