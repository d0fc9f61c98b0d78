using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Keel.Server.Tests.Pipelines;

/// <summary>Raw calls to /api/keel/v1/pipelines and /pipeline-runs, as any HTTP client would make them.</summary>
internal static class PipelineHttp
{
    public const string Root = "api/keel/v1/pipelines";
    public const string Runs = "api/keel/v1/pipeline-runs";

    public static async Task<(HttpStatusCode Status, JsonNode Body)> SendAsync(this HttpClient client, HttpMethod method, string route, object? body = null)
    {
        using var request = new HttpRequestMessage(method, route);
        if (body is not null)
        {
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
        }
        return await ReadAsync(await client.SendAsync(request, TestContext.Current.CancellationToken));
    }

    public static async Task<JsonNode> OkAsync(this HttpClient client, HttpMethod method, string route, object? body = null)
    {
        var (status, json) = await client.SendAsync(method, route, body);
        return status == HttpStatusCode.OK ? json : throw new InvalidOperationException($"{method} {route} returned {(int)status}: {json.ToJsonString()}");
    }

    public static Task<JsonNode> RegisterAsync(this HttpClient client, string yaml, string? paramsYaml = PipelineFixtures.ChainParams, string? workspace = null) =>
        client.OkAsync(HttpMethod.Post, Root, new { pipeline_yaml = yaml, params_yaml = paramsYaml, workspace });

    public static async Task<(HttpStatusCode Status, JsonNode Body)> PutWorkspaceAsync(this HttpClient client, string name, byte[] bytes)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        return await ReadAsync(await client.PutAsync($"{Root}/{name}/workspace", content, TestContext.Current.CancellationToken));
    }

    public static void AssertError(HttpStatusCode expectedStatus, string code, string mentions, (HttpStatusCode Status, JsonNode Body) answer)
    {
        Assert.True(expectedStatus == answer.Status, $"expected {(int)expectedStatus}, got {(int)answer.Status}: {answer.Body.ToJsonString()}");
        Assert.Equal(code, answer.Body["error_code"]!.GetValue<string>());
        Assert.Contains(mentions, answer.Body["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static async Task<(HttpStatusCode, JsonNode)> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            return (response.StatusCode, string.IsNullOrEmpty(text) ? new JsonObject() : JsonNode.Parse(text)!);
        }
    }
}
