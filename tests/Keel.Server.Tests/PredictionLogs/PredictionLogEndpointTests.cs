using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Keel.Core.Monitoring.PredictionLogs;
using Keel.Monitoring.PredictionLogs;
using Keel.Testing;

namespace Keel.Server.Tests.PredictionLogs;

/// <summary><c>/api/keel/v1/deployments/{name}/prediction-logs|labels|predictions</c> over a real server: what is accepted and every refusal.</summary>
public sealed class PredictionLogEndpointTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private static readonly DateTimeOffset At = new(2025, 7, 8, 9, 10, 11, TimeSpan.Zero);
    private readonly HttpClient _client = fixture.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string MonitoringFolder(string deployment) => Path.Combine(fixture.Server.DataDirectory, "artifacts", "monitoring", deployment);

    [Fact]
    public async Task Put_ValidSegment_IsStoredAndListedWithItsLabel()
    {
        var deployment = Unique();
        var (status, body) = await PutAsync(deployment, Name(), await SegmentAsync(deployment));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("{}", body.ToJsonString());

        var (labelled, accepted) = await PostAsync(deployment, """{"labels": [{"request_id": "req-a", "label": 1}]}""");
        Assert.Equal(HttpStatusCode.OK, labelled);
        Assert.Equal(1, accepted["accepted"]!.GetValue<int>());

        var (listed, json) = await GetAsync($"api/keel/v1/deployments/{deployment}/predictions?since=2025-07-08T00:00:00Z&until=2025-07-09T00:00:00Z");
        Assert.Equal(HttpStatusCode.OK, listed);
        var rows = json["predictions"]!.AsArray();
        Assert.Equal(["req-b", "req-a"], rows.Select(r => r!["request_id"]!.GetValue<string>()));
        Assert.Equal(1, rows[1]!["label"]!.GetValue<long>());
        Assert.Null(rows[0]!["label"]);
        Assert.Equal(2.5, rows[1]!["inputs"]!["x"]!.GetValue<double>());
        Assert.Equal(At.ToUnixTimeMilliseconds(), rows[1]!["timestamp"]!.GetValue<long>());
    }

    [Fact]
    public async Task Put_NotParquet_Is400NamingTheBodyAndStoresNothing()
    {
        var deployment = Unique();
        var (status, body) = await PutAsync(deployment, Name(), Encoding.UTF8.GetBytes("request_id,row\nx,0\n"));

        AssertRefused(status, body, "'body'", "not a readable Parquet file");
        Assert.False(Directory.Exists(MonitoringFolder(deployment)));
    }

    [Fact]
    public async Task Put_SegmentOfAnotherDeployment_Is400NamingTheRule()
    {
        var deployment = Unique();
        var (status, body) = await PutAsync(deployment, Name(), await SegmentAsync("someone-else"));

        AssertRefused(status, body, "'body'", "belongs to deployment 'someone-else'");
        Assert.False(Directory.Exists(MonitoringFolder(deployment)));
    }

    [Theory]
    [InlineData("segment-1")]
    [InlineData("20250708T0910110000000Z-20250708T0910100000000Z-a")]
    [InlineData("20250708T0910110000000Z-20250708T0910110000000Z-A")]
    public async Task Put_MalformedSegmentName_Is400NamingTheSegment(string segment)
    {
        var deployment = Unique();
        var (status, body) = await PutAsync(deployment, segment, await SegmentAsync(deployment));

        AssertRefused(status, body, "'segment'", "segment names are");
    }

    [Fact]
    public async Task Put_DeploymentNameWithControlCharacter_Is400NamingTheName()
    {
        var (status, body) = await PutAsync("bad%09name", Name(), await SegmentAsync("bad\tname"));

        AssertRefused(status, body, "'name'", "control characters");
    }

    [Fact]
    public async Task Put_DeclaredSizeOverTheLimit_Is400BeforeReadingTheBody()
    {
        // A raw request declaring more bytes than the limit and sending none: the answer must come without them.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(fixture.Server.BaseAddress.Host, fixture.Server.BaseAddress.Port, Ct);
        var stream = tcp.GetStream();
        var head = $"PUT /api/keel/v1/deployments/{Unique()}/prediction-logs/{Name()} HTTP/1.1\r\nHost: localhost\r\n" +
            $"Content-Type: application/vnd.apache.parquet\r\nContent-Length: {PredictionLogStore.MaxSegmentBytes + 1}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), Ct);
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        while (!answer.ToString().Contains('}', StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
            if (read == 0)
            {
                break;
            }
            answer.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        var text = answer.ToString();
        Assert.StartsWith("HTTP/1.1 400", text, StringComparison.Ordinal);
        var body = JsonNode.Parse(text[text.IndexOf('{', StringComparison.Ordinal)..(text.LastIndexOf('}') + 1)])!;
        AssertRefused(HttpStatusCode.BadRequest, body, "'body'", "at most");
    }

    [Theory]
    [InlineData("{", "Malformed JSON")]
    [InlineData("{}", "'labels'")]
    [InlineData("""{"labels": []}""", "'labels'")]
    [InlineData("""{"labels": [{"label": 1}]}""", "'labels[0].request_id'")]
    [InlineData("""{"labels": [{"request_id": 5, "label": 1}]}""", "'labels[0].request_id'")]
    [InlineData("""{"labels": [{"request_id": "a", "label": 1}, {"request_id": "", "label": 1}]}""", "'labels[1].request_id'")]
    [InlineData("""{"labels": [{"request_id": "a", "row": -1, "label": 1}]}""", "'labels[0].row'")]
    [InlineData("""{"labels": [{"request_id": "a", "row": 1.5, "label": 1}]}""", "'labels[0].row'")]
    [InlineData("""{"labels": [{"request_id": "a"}]}""", "'labels[0].label'")]
    [InlineData("""{"labels": [{"request_id": "a", "label": null}]}""", "'labels[0].label'")]
    [InlineData("""{"labels": [{"request_id": "a", "label": {"x": 1}}]}""", "'labels[0].label'")]
    [InlineData("""{"labels": [{"request_id": "a", "label": [1]}]}""", "'labels[0].label'")]
    public async Task PostLabels_BadInput_Is400NamingTheFieldAndStoresNothing(string json, string expected)
    {
        var deployment = Unique();
        var (status, body) = await PostAsync(deployment, json);

        AssertRefused(status, body, expected, "");
        Assert.False(Directory.Exists(MonitoringFolder(deployment)));
    }

    [Theory]
    [InlineData("since=yesterday", "'since'")]
    [InlineData("until=2025-13-45", "'until'")]
    [InlineData("max_results=0", "'max_results'")]
    [InlineData("max_results=10001", "'max_results'")]
    [InlineData("max_results=ten", "'max_results'")]
    public async Task ListPredictions_BadQuery_Is400NamingTheParameter(string query, string expected)
    {
        var (status, body) = await GetAsync($"api/keel/v1/deployments/{Unique()}/predictions?{query}");

        AssertRefused(status, body, expected, "");
    }

    [Fact]
    public async Task ListPredictions_UnknownDeployment_IsEmpty()
    {
        var (status, body) = await GetAsync($"api/keel/v1/deployments/{Unique()}/predictions");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(body["predictions"]!.AsArray());
    }

    private static string Unique() => $"dep-{Guid.NewGuid():N}";

    private static string Name() => PredictionSegmentName.Create(At, At.AddSeconds(1), "t1").ToString();

    private static void AssertRefused(HttpStatusCode status, JsonNode body, string field, string rule)
    {
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", body["error_code"]!.GetValue<string>());
        var message = body["message"]!.GetValue<string>();
        Assert.Contains(field, message, StringComparison.Ordinal);
        Assert.Contains(rule, message, StringComparison.Ordinal);
    }

    private static async Task<byte[]> SegmentAsync(string deployment)
    {
        var builder = new PredictionSegmentBuilder();
        var none = new Dictionary<string, object?>();
        builder.Add(new PredictionRecord("req-a", 0, At, deployment, "m", "1", "default", false, 2, 200, new Dictionary<string, object?> { ["x"] = 2.5 }, none));
        builder.Add(new PredictionRecord("req-b", 0, At.AddSeconds(1), deployment, "m", "1", "default", false, 2, 200, new Dictionary<string, object?> { ["x"] = 3.5 }, none));
        return await builder.ToArrayAsync(Ct);
    }

    private async Task<(HttpStatusCode, JsonNode)> PutAsync(string deployment, string segment, byte[] bytes)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.apache.parquet");
        using var response = await _client.PutAsync($"api/keel/v1/deployments/{deployment}/prediction-logs/{segment}", content, Ct);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!);
    }

    private async Task<(HttpStatusCode, JsonNode)> PostAsync(string deployment, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync($"api/keel/v1/deployments/{deployment}/labels", content, Ct);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!);
    }

    private async Task<(HttpStatusCode, JsonNode)> GetAsync(string route)
    {
        using var response = await _client.GetAsync(route, Ct);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!);
    }
}
