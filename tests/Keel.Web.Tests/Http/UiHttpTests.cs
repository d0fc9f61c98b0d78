using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Keel.Core.Tracking;
using Keel.Web.Infrastructure;

namespace Keel.Web.Tests.Http;

/// <summary>The UI's HTTP behaviour without a browser: errors, CSRF, artifacts served safely, static files.</summary>
public sealed partial class UiHttpTests(UiServerFixture server) : IClassFixture<UiServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DeleteRuns_WithoutAntiforgeryToken_Returns400AndDeletesNothing()
    {
        var experimentId = await server.CreateExperimentAsync("csrf");
        var run = await server.CreateRunAsync(experimentId, "keep-me");

        using var response = await server.Http.PostAsync("runs/delete",
            new FormUrlEncodedContent([new("runs", run.Info.RunId), new("return", "/experiments")]), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("security token", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(LifecycleStage.Active, (await server.Tracking.GetRunInfoAsync(run.Info.RunId)).LifecycleStage);
    }

    [Fact]
    public async Task DeleteRuns_WithTheTokenAndCookieOfTheRunsPage_DeletesAndRedirectsBack()
    {
        var experimentId = await server.CreateExperimentAsync("csrf-ok");
        var run = await server.CreateRunAsync(experimentId, "delete-me");
        var (_, page, response) = await server.GetPageAsync($"experiments/{experimentId}/runs");
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("keel.antiforgery=", StringComparison.Ordinal)).Split(';')[0];
        var token = TokenField().Match(page).Groups[1].Value;

        using var request = new HttpRequestMessage(HttpMethod.Post, "runs/delete")
        {
            Content = new FormUrlEncodedContent([new("runs", run.Info.RunId), new("__keel_antiforgery", WebUtility.HtmlDecode(token)),
                new("return", $"/experiments/{experimentId}/runs")]),
        };
        request.Headers.Add("Cookie", cookie);
        using var posted = await server.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal($"/experiments/{experimentId}/runs", posted.Headers.Location!.OriginalString);
        Assert.Equal(LifecycleStage.Deleted, (await server.Tracking.GetRunInfoAsync(run.Info.RunId)).LifecycleStage);
    }

    [Fact]
    public async Task DeleteRuns_OffSiteReturnUrl_RedirectsToTheExperimentsInstead()
    {
        var experimentId = await server.CreateExperimentAsync("redirect");
        var run = await server.CreateRunAsync(experimentId, "r");
        var (_, page, response) = await server.GetPageAsync($"experiments/{experimentId}/runs");
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("keel.antiforgery=", StringComparison.Ordinal)).Split(';')[0];
        using var request = new HttpRequestMessage(HttpMethod.Post, "runs/delete")
        {
            Content = new FormUrlEncodedContent([new("runs", run.Info.RunId),
                new("__keel_antiforgery", WebUtility.HtmlDecode(TokenField().Match(page).Groups[1].Value)), new("return", "//evil.example/")]),
        };
        request.Headers.Add("Cookie", cookie);
        using var posted = await server.Http.SendAsync(request, Ct);

        Assert.Equal("/experiments", posted.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task RunsTable_BadFilter_Returns400WithTheParserMessageAndKeepsTheInput()
    {
        var experimentId = await server.CreateExperimentAsync("bad-filter");

        var (status, body, _) = await server.GetPageAsync($"experiments/{experimentId}/runs?filter={Uri.EscapeDataString("params.lr = ")}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("id=\"filter-error\"", body, StringComparison.Ordinal);
        Assert.Contains("at position", body, StringComparison.Ordinal);
        Assert.Contains("value=\"params.lr =\"", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("page=0", "'page'")]
    [InlineData("page=abc", "'page'")]
    [InlineData("size=100000", "'size'")]
    [InlineData("view=everything", "'view'")]
    [InlineData("order=metrics.acc%20SIDEWAYS", "order_by")]
    public async Task RunsTable_BadQueryParameter_Returns400NamingIt(string query, string named)
    {
        var experimentId = await server.CreateExperimentAsync("bad-query");

        var (status, body, _) = await server.GetPageAsync($"experiments/{experimentId}/runs?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(named.Replace("'", "&#x27;", StringComparison.Ordinal), body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownRunAndUnknownPage_GetTheHtml404Page()
    {
        var (status, body, response) = await server.GetPageAsync("runs/0123456789abcdef0123456789abcdef");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("Run with id=0123456789abcdef0123456789abcdef not found", body, StringComparison.Ordinal);
        Assert.Equal(UiSecurityHeaders.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());

        var (pageStatus, pageBody, pageResponse) = await server.GetPageAsync("no/such/page");
        Assert.Equal(HttpStatusCode.NotFound, pageStatus);
        Assert.Equal("text/html", pageResponse.Content.Headers.ContentType!.MediaType);
        Assert.Contains("There is no page at /no/such/page", pageBody, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api/2.0/mlflow/nope")]
    [InlineData("ajax-api/2.0/mlflow/nope")]
    public async Task UnknownApiPath_KeepsTheJsonEndpointNotFound_EvenForBrowsers(string path)
    {
        var (status, body, _) = await server.GetPageAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("ENDPOINT_NOT_FOUND", (string)JsonNode.Parse(body)!["error_code"]!);
    }

    [Fact]
    public async Task UnknownPath_FromAnApiClient_KeepsTheJsonEndpointNotFound()
    {
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        using var response = await client.GetAsync("nope.txt", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("ENDPOINT_NOT_FOUND", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("page.html", "<html><script>alert(1)</script></html>")]
    [InlineData("drawing.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>")]
    [InlineData("notes.txt", "plain")]
    public async Task RawArtifact_ThatIsNotAnImage_IsServedAsAnAttachment(string name, string content)
    {
        var experimentId = await server.CreateExperimentAsync("raw");
        var run = await server.CreateRunAsync(experimentId, "r");
        await server.PutArtifactAsync(run, name, content);

        var (status, body, response) = await server.GetPageAsync($"runs/{run.Info.RunId}/artifacts/raw?path={name}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(content, body);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task RawArtifact_Image_IsServedInlineWithItsImageType()
    {
        var experimentId = await server.CreateExperimentAsync("img");
        var run = await server.CreateRunAsync(experimentId, "r");
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        await server.PutArtifactAsync(run, "plots/roc.png", png);

        var (status, _, response) = await server.GetPageAsync($"runs/{run.Info.RunId}/artifacts/raw?path=plots/roc.png");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        Assert.Null(response.Content.Headers.ContentDisposition);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var (_, page, _) = await server.GetPageAsync($"runs/{run.Info.RunId}?artifact=plots/roc.png");
        Assert.Contains($"<img src=\"/runs/{run.Info.RunId}/artifacts/raw?path=plots%2Froc.png\"", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../../keel.db")]
    [InlineData("/etc/passwd")]
    public async Task RawArtifact_PathEscapingTheRun_Returns400(string path)
    {
        var experimentId = await server.CreateExperimentAsync("escape");
        var run = await server.CreateRunAsync(experimentId, "r");

        var (status, body, _) = await server.GetPageAsync($"runs/{run.Info.RunId}/artifacts/raw?path={Uri.EscapeDataString(path)}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("&#x27;path&#x27;", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_WithOneRun_Returns400NamingRuns()
    {
        var experimentId = await server.CreateExperimentAsync("compare-one");
        var run = await server.CreateRunAsync(experimentId, "alone");

        var (status, body, _) = await server.GetPageAsync($"compare?runs={run.Info.RunId}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("&#x27;runs&#x27;", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaticFile_WithItsHash_IsCachedForAYear_AndUnknownFilesAre404()
    {
        var (_, page, _) = await server.GetPageAsync("experiments");
        var css = StylesheetHref().Match(page).Groups[1].Value;

        var (status, _, response) = await server.GetPageAsync(css.TrimStart('/'));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/css", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("immutable", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);

        var (missing, _, _) = await server.GetPageAsync("static/js/nope.js");
        Assert.Equal(HttpStatusCode.NotFound, missing);
        var (license, licenseText, _) = await server.GetPageAsync("static/lib/uplot/LICENSE");
        Assert.Equal(HttpStatusCode.OK, license);
        Assert.Contains("MIT", licenseText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Root_RedirectsToExperiments_AndEmptyExperimentShowsWhatToDo()
    {
        var (status, _, response) = await server.GetPageAsync("");
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.Equal("/experiments", response.Headers.Location!.OriginalString);

        var experimentId = await server.CreateExperimentAsync("empty");
        var (_, body, _) = await server.GetPageAsync($"experiments/{experimentId}/runs");
        Assert.Contains("No runs yet", body, StringComparison.Ordinal);
        Assert.Contains("keel quickstart", body, StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__keel_antiforgery\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    [GeneratedRegex("<link rel=\"stylesheet\" href=\"(/static/css/keel.css\\?v=[0-9a-f]+)\"")]
    private static partial Regex StylesheetHref();
}
