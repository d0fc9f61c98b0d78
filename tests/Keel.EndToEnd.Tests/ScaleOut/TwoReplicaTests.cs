using System.Net;
using System.Text.Json.Nodes;
using Keel.Testing;

namespace Keel.EndToEnd.Tests.ScaleOut;

/// <summary>
/// Issue 6: two replicas over one PostgreSQL and one artifact store behave as one server. Writes go through both at
/// once; reads through either see every metric point and model version exactly once, and the immutability rules
/// (param overwrite, unique names) hold across replicas.
/// </summary>
public sealed class TwoReplicaTests(TwoReplicas replicas) : IClassFixture<TwoReplicas>
{
    private const int Keys = 5;
    private const int Steps = 10;
    private const int BatchesPerReplica = 20;

    private HttpClient A => replicas.A;

    private HttpClient B => replicas.B;

    [Fact]
    public async Task Issue_6_LogBatch_InterleavedThroughBothReplicas_EveryPointReadOnceThroughEither()
    {
        var experimentId = await A.CreateExperimentAsync($"replicas-metrics-{Guid.NewGuid():N}");
        string[] runIds = [await A.CreateRunAsync(experimentId, "via-a"), await B.CreateRunAsync(experimentId, "via-b")];

        // Both replicas write to both runs at the same time: A the even batches, B the odd ones.
        await Task.WhenAll(runIds.SelectMany(runId => new[] { LogBatchesAsync(A, runId, 0), LogBatchesAsync(B, runId, 1) }));

        var expected = Enumerable.Range(0, 2 * BatchesPerReplica * Steps).Select(s => (long)s).ToList();
        foreach (var runId in runIds)
        {
            foreach (var reader in new[] { A, B })
            {
                foreach (var key in new[] { "k0", $"k{Keys - 1}" })
                {
                    Assert.Equal(expected, (await ScaleOutHttp.HistoryStepsAsync(reader, runId, key)).Order().ToList());
                }
            }
        }
    }

    [Fact]
    public async Task Issue_6_Params_ThroughBothReplicas_OverwriteRefusedAcrossReplicas()
    {
        var runId = await A.CreateRunAsync("0", "params");
        await A.OkAsync("runs/log-parameter", new { run_id = runId, key = "lr", value = "0.1" });
        // The same value again is allowed, through the other replica too.
        await B.OkAsync("runs/log-parameter", new { run_id = runId, key = "lr", value = "0.1" });

        var (status, body) = await B.PostJsonAsync("runs/log-parameter", new { run_id = runId, key = "lr", value = "0.2" });
        AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", status, body);
        (status, body) = await B.PostJsonAsync("runs/log-batch", new { run_id = runId, @params = new[] { new { key = "lr", value = "0.3" } } });
        AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", status, body);

        // Two first writers at once: exactly one wins, and both replicas agree which.
        var race = await Task.WhenAll(
            A.PostJsonAsync("runs/log-parameter", new { run_id = runId, key = "race", value = "a" }),
            B.PostJsonAsync("runs/log-parameter", new { run_id = runId, key = "race", value = "b" }));
        Assert.Single(race, r => r.Status == HttpStatusCode.OK);
        Assert.Single(race, r => r.Status == HttpStatusCode.BadRequest && (string?)r.Body["error_code"] == "INVALID_PARAMETER_VALUE");
        var winner = race[0].Status == HttpStatusCode.OK ? "a" : "b";

        foreach (var reader in new[] { A, B })
        {
            var run = await reader.GetOkAsync($"runs/get?run_id={runId}");
            var stored = run["run"]!["data"]!["params"]!.AsArray().ToDictionary(p => (string)p!["key"]!, p => (string)p!["value"]!);
            Assert.Equal(new Dictionary<string, string> { ["lr"] = "0.1", ["race"] = winner }, stored);
        }
    }

    [Fact]
    public async Task Issue_6_UniqueNames_CreatedThroughBothReplicas_OnlyOneSucceeds()
    {
        var experiment = $"replicas-unique-{Guid.NewGuid():N}";
        await A.CreateExperimentAsync(experiment);
        var (status, body) = await B.PostJsonAsync("experiments/create", new { name = experiment });
        AssertError(HttpStatusCode.BadRequest, "RESOURCE_ALREADY_EXISTS", status, body);

        var model = $"replicas-unique-{Guid.NewGuid():N}";
        var race = await Task.WhenAll(
            A.PostJsonAsync("registered-models/create", new { name = model }),
            B.PostJsonAsync("registered-models/create", new { name = model }));
        Assert.Single(race, r => r.Status == HttpStatusCode.OK);
        Assert.Single(race, r => r.Status == HttpStatusCode.BadRequest && (string?)r.Body["error_code"] == "RESOURCE_ALREADY_EXISTS");
    }

    [Fact]
    public async Task Issue_6_ModelVersions_CreatedThroughBothReplicas_NumberedOnceAndGapless()
    {
        var model = $"replicas-model-{Guid.NewGuid():N}";
        var runId = await A.CreateRunAsync("0", "model-source");
        await B.CreateRegisteredModelAsync(model);

        // Alternately, one at a time: the numbers follow each other whichever replica assigns them.
        var alternate = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            alternate.Add(VersionOf(await (i % 2 == 0 ? A : B).CreateModelVersionAsync(model, runId)));
        }
        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6 }, alternate);

        // Then both at once, several in flight per replica.
        const int PerReplica = 10;
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 2 * PerReplica)
            .Select(i => (i % 2 == 0 ? A : B).CreateModelVersionAsync(model, runId)));
        Assert.Equal(Enumerable.Range(7, 2 * PerReplica).Select(v => (long)v), concurrent.Select(VersionOf).Order());

        var all = Enumerable.Range(1, 6 + (2 * PerReplica)).Select(v => (long)v).ToList();
        foreach (var reader in new[] { A, B })
        {
            var found = await reader.GetOkAsync($"model-versions/search?filter={Uri.EscapeDataString($"name='{model}'")}&max_results=1000");
            Assert.Equal(all, found["model_versions"]!.AsArray().Select(v => VersionOf(v!)).Order().ToList());
        }
    }

    [Fact]
    public async Task Issue_6_Artifact_UploadedThroughOneReplica_DownloadedThroughTheOther()
    {
        var runId = await A.CreateRunAsync("0", "artifacts");
        var bytes = new byte[256 * 1024];
        new Random(6).NextBytes(bytes);
        var path = $"/api/2.0/mlflow-artifacts/artifacts/0/{runId}/artifacts/model/weights.bin";

        using (var upload = await A.PutAsync(path, new ByteArrayContent(bytes), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        }
        Assert.Equal(bytes, await B.GetByteArrayAsync(path, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Issue_6_WebUiForm_RenderedByOneReplica_IsAcceptedByTheOther_BothWays()
    {
        // Both replicas started on an empty database, so each may have created a key of its own: both directions count.
        foreach (var (render, submit) in new[] { (A, B), (B, A) })
        {
            var runId = await render.CreateRunAsync("0", "delete-via-other-replica");
            var (cookie, token) = await FormTokensAsync(render, "experiments/0/runs");
            using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(submit.BaseAddress!, "runs/delete"))
            {
                Content = new FormUrlEncodedContent([new("runs", runId), new("__keel_antiforgery", token), new("return", "/experiments/0/runs")]),
            };
            post.Headers.Add("Cookie", cookie);
            using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
            using var posted = await browser.SendAsync(post, TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
            var run = await render.GetOkAsync($"runs/get?run_id={runId}");
            Assert.Equal("deleted", (string?)run["run"]!["info"]!["lifecycle_stage"]);
        }
    }

    /// <summary>What a browser holds after loading <paramref name="page"/>: its antiforgery cookie and the form's token.</summary>
    private static async Task<(string Cookie, string Token)> FormTokensAsync(HttpClient replica, string page)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = replica.BaseAddress };
        browser.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        using var response = await browser.GetAsync(page, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("keel.antiforgery=", StringComparison.Ordinal));
        var token = System.Text.RegularExpressions.Regex.Match(body, "name=\"__keel_antiforgery\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        return (cookie, WebUtility.HtmlDecode(token));
    }

    private static async Task LogBatchesAsync(HttpClient client, string runId, int parity)
    {
        for (var i = 0; i < BatchesPerReplica; i++)
        {
            using var response = await ScaleOutHttp.PostLogBatchAsync(client, ScaleOutHttp.LogBatchBody(runId, (2 * i) + parity, Keys, Steps), CancellationToken.None);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private static long VersionOf(JsonNode version) => long.Parse((string)version["version"]!, System.Globalization.CultureInfo.InvariantCulture);

    private static void AssertError(HttpStatusCode expectedStatus, string expectedCode, HttpStatusCode status, JsonNode body)
    {
        Assert.Equal(expectedStatus, status);
        Assert.Equal(expectedCode, (string?)body["error_code"]);
    }
}
