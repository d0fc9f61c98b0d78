using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Keel.Server.Tests.Monitors;

/// <summary>Raw calls to /api/keel/v1/monitors and /alerts, as any HTTP client would make them.</summary>
internal static class MonitorHttp
{
    public const string Root = "api/keel/v1/monitors";
    public const string Alerts = "api/keel/v1/alerts";

    public static string NewName(string prefix = "mon") => $"{prefix}-{Guid.NewGuid():N}";

    public static string Yaml(string name, string deployment = "churn", string extra = "") =>
        $"name: {name}\ndeployment: {deployment}\nwindow: 1h\n{extra}";

    public static Task<(HttpStatusCode Status, JsonNode Body)> SendYamlAsync(this HttpClient client, HttpMethod method, string route, string yaml) =>
        client.SendTextAsync(method, route, yaml, "application/yaml");

    public static async Task<(HttpStatusCode Status, JsonNode Body)> SendTextAsync(
        this HttpClient client, HttpMethod method, string route, string? body, string mediaType = "application/json")
    {
        using var request = new HttpRequestMessage(method, route);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, mediaType);
        }
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!);
    }

    public static async Task<JsonNode> CreateAsync(this HttpClient client, string yaml)
    {
        var (status, body) = await client.SendYamlAsync(HttpMethod.Post, Root, yaml);
        return status == HttpStatusCode.OK ? body : throw new InvalidOperationException($"create returned {(int)status}: {body.ToJsonString()}");
    }

    public static async Task<JsonNode> OkAsync(this HttpClient client, HttpMethod method, string route, string? json = null)
    {
        var (status, body) = await client.SendTextAsync(method, route, json);
        return status == HttpStatusCode.OK ? body : throw new InvalidOperationException($"{method} {route} returned {(int)status}: {body.ToJsonString()}");
    }

    public static void AssertError(HttpStatusCode expectedStatus, string code, string mentions, (HttpStatusCode Status, JsonNode Body) answer)
    {
        Assert.Equal(expectedStatus, answer.Status);
        Assert.Equal(code, answer.Body["error_code"]!.GetValue<string>());
        Assert.Contains(mentions, answer.Body["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
