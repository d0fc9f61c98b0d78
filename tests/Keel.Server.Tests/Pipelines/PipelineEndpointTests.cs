using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Keel.Core.Artifacts;

namespace Keel.Server.Tests.Pipelines;

/// <summary>/api/keel/v1/pipelines over HTTP: register, workspace upload, list, show, delete, trigger and run history.</summary>
public sealed class PipelineEndpointTests : IAsyncLifetime
{
    private PipelineTestServer _server = null!;

    private HttpClient Client => _server.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await PipelineTestServer.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    internal static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }
        return buffer.ToArray();
    }

    [Fact]
    public async Task Register_ReturnsThePipelineWithStagesInRunOrder_ScheduleAndTriggers()
    {
        var body = await Client.RegisterAsync(PipelineFixtures.Named("churn", "schedule: \"0 3 * * *\"\ntriggers:\n  - dataset: churn-train\n  - monitor: churn-drift\n"));

        Assert.Equal("churn", body["name"]!.GetValue<string>());
        Assert.Equal(["prepare", "train", "evaluate", "lint"], body["stages"]!.AsArray().Select(s => s!.GetValue<string>()).Where(s => s != "lint").Append("lint"));
        Assert.Equal(4, body["stages"]!.AsArray().Count);
        Assert.Equal("0 3 * * *", body["schedule"]!.GetValue<string>());
        Assert.True(body["next_run_at"]!.GetValue<long>() > 0);
        Assert.Equal("DatasetVersion", body["triggers"]![0]!["kind"]!.GetValue<string>());
        Assert.Equal("churn-train", body["triggers"]![0]!["target"]!.GetValue<string>());
        Assert.Equal("churn-drift", body["triggers"]![1]!["target"]!.GetValue<string>());
        Assert.Equal(PipelineFixtures.ChainParams, body["params_yaml"]!.GetValue<string>());
    }

    [Fact]
    public async Task Register_WithoutAName_UsesTheDefaultName()
    {
        var body = await Client.OkAsync(HttpMethod.Post, PipelineHttp.Root,
            new { pipeline_yaml = PipelineFixtures.Chain, params_yaml = PipelineFixtures.ChainParams, default_name = "from-folder" });
        Assert.Equal("from-folder", body["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Register_BadFile_Is400NamingFileLineStageAndKey_AndStoresNothing()
    {
        const string yaml = "name: broken\nstages:\n  prepare:\n    cmd: true\n    retries: lots\n";

        var answer = await Client.SendAsync(HttpMethod.Post, PipelineHttp.Root, new { pipeline_yaml = yaml });

        PipelineHttp.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "keel.yaml:5", answer);
        Assert.Contains("prepare", answer.Body["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("retries", answer.Body["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(await _server.Stores.Pipelines.ListPipelinesAsync(Ct));
    }

    [Fact]
    public async Task Register_MissingParam_Is400NamingTheParam()
    {
        var answer = await Client.SendAsync(HttpMethod.Post, PipelineHttp.Root, new { pipeline_yaml = PipelineFixtures.Named("noparams") });

        PipelineHttp.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "prepare.split", answer);
    }

    [Fact]
    public async Task Register_InvalidCron_Is400NamingSchedule()
    {
        var answer = await Client.SendAsync(HttpMethod.Post, PipelineHttp.Root,
            new { pipeline_yaml = PipelineFixtures.Named("badcron", "schedule: \"every day\"\n"), params_yaml = PipelineFixtures.ChainParams });

        PipelineHttp.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "schedule", answer);
        Assert.Null(await _server.Stores.Pipelines.GetPipelineAsync("badcron", Ct));
    }

    [Fact]
    public async Task Register_MissingYamlOrMalformedJson_Is400NamingTheField()
    {
        PipelineHttp.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "pipeline_yaml",
            await Client.SendAsync(HttpMethod.Post, PipelineHttp.Root, new { params_yaml = "a: 1" }));
        PipelineHttp.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "pipeline_yaml",
            await Client.SendAsync(HttpMethod.Post, PipelineHttp.Root, "{\"pipeline_yaml\": 5}"));
    }

    [Fact]
    public async Task Register_WithAWorkspaceNeverUploaded_Is400()
    {
        var workspace = $"pipelines/churn/workspace-{new string('0', 64)}.tar.gz";

        var answer = await Client.SendAsync(HttpMethod.Post, PipelineHttp.Root,
            new { pipeline_yaml = PipelineFixtures.Named("churn"), params_yaml = PipelineFixtures.ChainParams, workspace });

        PipelineHttp.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "workspace", answer);
        PipelineHttp.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "workspace",
            await Client.SendAsync(HttpMethod.Post, PipelineHttp.Root, new { pipeline_yaml = PipelineFixtures.Named("churn"), params_yaml = PipelineFixtures.ChainParams, workspace = "../etc/passwd" }));
    }

    [Fact]
    public async Task UploadWorkspace_StoresTheTarGzByHash_AndRegisterRecordsIt()
    {
        var bytes = Gzip("pretend this is a tar of the pipeline folder");
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));

        var (status, upload) = await Client.PutWorkspaceAsync("churn", bytes);
        var registered = await Client.RegisterAsync(PipelineFixtures.Named("churn"), workspace: upload["workspace"]!.GetValue<string>());
        var again = await Client.RegisterAsync(PipelineFixtures.Named("churn"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"pipelines/churn/workspace-{sha}.tar.gz", upload["workspace"]!.GetValue<string>());
        Assert.Equal(sha, upload["sha256"]!.GetValue<string>());
        Assert.Equal(bytes.Length, upload["size"]!.GetValue<long>());
        Assert.Equal(upload["workspace"]!.GetValue<string>(), registered["workspace"]!.GetValue<string>());
        // Registered again without a workspace: the previous one stays.
        Assert.Equal(upload["workspace"]!.GetValue<string>(), again["workspace"]!.GetValue<string>());
        await using var stored = await _server.Stores.Artifacts.OpenReadAsync(ArtifactPath.Parse(upload["workspace"]!.GetValue<string>(), "path"), Ct);
        using var copy = new MemoryStream();
        await stored.CopyToAsync(copy, Ct);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task UploadWorkspace_Oversized_Is400AndStoresNothing()
    {
        var bytes = Gzip(Convert.ToBase64String(RandomNumberGenerator.GetBytes((int)PipelineTestServer.MaxWorkspaceBytes)));

        var answer = await Client.PutWorkspaceAsync("churn", bytes);

        PipelineHttp.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "at most 65536 bytes", answer);
        Assert.Empty(await _server.Stores.Artifacts.ListAsync(ArtifactPath.ParseDirectory("pipelines/churn", "path"), Ct));
    }

    [Fact]
    public async Task UploadWorkspace_NotGzipOrEmptyOrBadName_Is400()
    {
        PipelineHttp.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "not gzip", await Client.PutWorkspaceAsync("churn", Encoding.UTF8.GetBytes("plain text")));
        PipelineHttp.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "empty", await Client.PutWorkspaceAsync("churn", []));
        PipelineHttp.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "pipeline name", await Client.PutWorkspaceAsync("bad%20name", Gzip("x")));
    }

    [Fact]
    public async Task ListShowDelete_RoundTrip_AndUnknownIs404()
    {
        await Client.RegisterAsync(PipelineFixtures.Named("zeta"));
        await Client.RegisterAsync(PipelineFixtures.Named("alpha"));

        var list = await Client.OkAsync(HttpMethod.Get, PipelineHttp.Root);
        var shown = await Client.OkAsync(HttpMethod.Get, PipelineHttp.Root + "/alpha");
        await Client.OkAsync(HttpMethod.Delete, PipelineHttp.Root + "/alpha");

        Assert.Equal(["alpha", "zeta"], list["pipelines"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));
        Assert.Equal(4, shown["stages"]!.AsArray().Count);
        PipelineHttp.AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "'alpha'", await Client.SendAsync(HttpMethod.Get, PipelineHttp.Root + "/alpha"));
        PipelineHttp.AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "'alpha'", await Client.SendAsync(HttpMethod.Delete, PipelineHttp.Root + "/alpha"));
        Assert.NotNull(await _server.Stores.Pipelines.GetPipelineAsync("zeta", Ct));
    }

    [Fact]
    public async Task Trigger_StartsARunWithReadyStagesQueued_AndRecordsTheUser()
    {
        await Client.RegisterAsync(PipelineFixtures.Named("churn"));
        using var request = new HttpRequestMessage(HttpMethod.Post, PipelineHttp.Root + "/churn/trigger")
        {
            Content = new StringContent("{\"params\": {\"prepare.split\": \"0.3\"}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Keel-User", "alice");

        using var response = await Client.SendAsync(request, Ct);
        var run = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Manual", run["trigger"]!.GetValue<string>());
        Assert.Equal("Running", run["status"]!.GetValue<string>());
        Assert.Equal("0.3", run["params"]!["prepare.split"]!.GetValue<string>());
        var stages = run["stages"]!.AsArray().ToDictionary(s => s!["stage"]!.GetValue<string>(), s => s!["status"]!.GetValue<string>());
        Assert.Equal("Queued", stages["prepare"]);
        Assert.Equal("Pending", stages["train"]);
        var tracked = await _server.Stores.Tracking.GetRunAsync(run["tracking_run_id"]!.GetValue<string>(), Ct);
        Assert.Equal("alice", tracked!.Info.UserId);
        Assert.Equal(2, _server.Dispatcher!.StagesOf(run["id"]!.GetValue<string>()).Count);
    }

    [Fact]
    public async Task Trigger_UnknownPipelineOrBadParams_IsRefusedAndStartsNothing()
    {
        await Client.RegisterAsync(PipelineFixtures.Named("churn"));

        PipelineHttp.AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "'nope'", await Client.SendAsync(HttpMethod.Post, PipelineHttp.Root + "/nope/trigger", "{}"));
        PipelineHttp.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "bad key",
            await Client.SendAsync(HttpMethod.Post, PipelineHttp.Root + "/churn/trigger", new { @params = new Dictionary<string, string> { ["bad key"] = "1" } }));
        PipelineHttp.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "params",
            await Client.SendAsync(HttpMethod.Post, PipelineHttp.Root + "/churn/trigger", "{\"params\": [1, 2]}"));
        Assert.Empty(await _server.Stores.Pipelines.ListRunsAsync(null, 10, Ct));
        Assert.Empty(_server.Dispatcher!.Dispatched);
    }

    [Fact]
    public async Task Runs_ListNewestFirst_ShowOne_AndUnknownIs404()
    {
        await Client.RegisterAsync(PipelineFixtures.Named("churn"));
        var first = await Client.OkAsync(HttpMethod.Post, PipelineHttp.Root + "/churn/trigger", "{}");
        var second = await Client.OkAsync(HttpMethod.Post, PipelineHttp.Root + "/churn/trigger", "{}");

        var runs = await Client.OkAsync(HttpMethod.Get, PipelineHttp.Root + "/churn/runs");
        var limited = await Client.OkAsync(HttpMethod.Get, PipelineHttp.Root + "/churn/runs?max_results=1");
        var all = await Client.OkAsync(HttpMethod.Get, PipelineHttp.Runs);
        var one = await Client.OkAsync(HttpMethod.Get, PipelineHttp.Runs + "/" + first["id"]!.GetValue<string>());

        Assert.Equal([second["id"]!.GetValue<string>(), first["id"]!.GetValue<string>()], runs["runs"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));
        Assert.Single(limited["runs"]!.AsArray());
        Assert.Equal(2, all["runs"]!.AsArray().Count);
        Assert.Equal(first["id"]!.GetValue<string>(), one["id"]!.GetValue<string>());
        PipelineHttp.AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "'nope'", await Client.SendAsync(HttpMethod.Get, PipelineHttp.Runs + "/nope"));
        PipelineHttp.AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "'nope'", await Client.SendAsync(HttpMethod.Get, PipelineHttp.Root + "/nope/runs"));
        PipelineHttp.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "max_results", await Client.SendAsync(HttpMethod.Get, PipelineHttp.Root + "/churn/runs?max_results=0"));
    }

    [Fact]
    public async Task Logs_ServeTheAttemptsLog_AndEachMissingPieceIsNamed()
    {
        await Client.RegisterAsync(PipelineFixtures.Named("churn"));
        var runId = (await Client.OkAsync(HttpMethod.Post, PipelineHttp.Root + "/churn/trigger", "{}"))["id"]!.GetValue<string>();
        var pipelines = _server.Stores.Pipelines;
        var first = await pipelines.StartAttemptAsync(runId, "prepare", "w1", 1, Ct);
        await pipelines.EndAttemptAsync(runId, "prepare", first, 2, 1, $"pipeline-runs/{runId}/prepare/attempt-1.log", Ct);
        var second = await pipelines.StartAttemptAsync(runId, "prepare", "w2", 3, Ct);
        await _server.Stores.Artifacts.PutAsync(ArtifactPath.Parse($"pipeline-runs/{runId}/prepare/attempt-1.log", "p"), new MemoryStream("boom\n"u8.ToArray()), Ct);
        await _server.Stores.Artifacts.PutAsync(ArtifactPath.Parse($"pipeline-runs/{runId}/prepare/attempt-2.log", "p"), new MemoryStream("ok\n"u8.ToArray()), Ct);
        var logs = $"{PipelineHttp.Runs}/{runId}/stages/prepare/logs";

        Assert.Equal("ok\n", await Client.GetStringAsync(logs, Ct));
        Assert.Equal("boom\n", await Client.GetStringAsync(logs + "?attempt=1", Ct));
        Assert.Equal(2, second);
        PipelineHttp.AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "no attempt 3", await Client.SendAsync(HttpMethod.Get, logs + "?attempt=3"));
        PipelineHttp.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "attempt", await Client.SendAsync(HttpMethod.Get, logs + "?attempt=0"));
        PipelineHttp.AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "Stage 'nope'",
            await Client.SendAsync(HttpMethod.Get, $"{PipelineHttp.Runs}/{runId}/stages/nope/logs"));
        PipelineHttp.AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "not started",
            await Client.SendAsync(HttpMethod.Get, $"{PipelineHttp.Runs}/{runId}/stages/train/logs"));
        PipelineHttp.AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "'nope'",
            await Client.SendAsync(HttpMethod.Get, $"{PipelineHttp.Runs}/nope/stages/prepare/logs"));
    }

    [Fact]
    public async Task Logs_OfAnAttemptWhoseLogIsNotStoredYet_Is404()
    {
        await Client.RegisterAsync(PipelineFixtures.Named("churn"));
        var runId = (await Client.OkAsync(HttpMethod.Post, PipelineHttp.Root + "/churn/trigger", "{}"))["id"]!.GetValue<string>();
        await _server.Stores.Pipelines.StartAttemptAsync(runId, "lint", "w1", 1, Ct);

        PipelineHttp.AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "No log stored yet",
            await Client.SendAsync(HttpMethod.Get, $"{PipelineHttp.Runs}/{runId}/stages/lint/logs"));
    }

    [Fact]
    public async Task Delete_RemovesRunsAndWorkspaces()
    {
        var (_, upload) = await Client.PutWorkspaceAsync("churn", Gzip("ws"));
        await Client.RegisterAsync(PipelineFixtures.Named("churn"), workspace: upload["workspace"]!.GetValue<string>());
        var runId = (await Client.OkAsync(HttpMethod.Post, PipelineHttp.Root + "/churn/trigger", "{}"))["id"]!.GetValue<string>();

        await Client.OkAsync(HttpMethod.Delete, PipelineHttp.Root + "/churn");

        Assert.Null(await _server.Stores.Pipelines.GetRunAsync(runId, Ct));
        Assert.Empty(await _server.Stores.Artifacts.ListAsync(ArtifactPath.ParseDirectory("pipelines/churn", "p"), Ct));
    }
}
