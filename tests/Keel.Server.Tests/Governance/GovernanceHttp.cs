using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Keel.Testing;

namespace Keel.Server.Tests.Governance;

/// <summary>Raw calls to <c>/api/keel/v1/models/{name}/…</c> as any HTTP client would make them, with an optional X-Keel-User.</summary>
internal static class GovernanceHttp
{
    public static string Route(string model, string action) => "api/keel/v1/models/" + Uri.EscapeDataString(model) + "/" + action;

    public static async Task<(HttpStatusCode Status, JsonNode Body)> CallAsync(
        this HttpClient client, HttpMethod method, string route, object? body = null, string? user = null)
    {
        using var request = new HttpRequestMessage(method, route);
        if (body is not null)
        {
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }
        if (user is not null)
        {
            request.Headers.Add("X-Keel-User", user);
        }
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, string.IsNullOrEmpty(text) ? new JsonObject() : JsonNode.Parse(text)!);
    }

    public static Task<(HttpStatusCode Status, JsonNode Body)> PromoteAsync(this HttpClient client, string model, long version, string user = "ann", string alias = "champion", string reason = "") =>
        client.CallAsync(HttpMethod.Post, Route(model, "promote"), new { version, alias, reason }, user);

    /// <summary>A model with <paramref name="versions"/> versions of one run; the listed versions get a passed validation tag.</summary>
    public static async Task<(string Name, string RunId)> NewModelAsync(this HttpClient client, int versions, params int[] passed)
    {
        var name = $"gov-{Guid.NewGuid():N}";
        var runId = await client.CreateRunAsync(await client.CreateExperimentAsync($"gov-{Guid.NewGuid():N}"));
        await client.CreateRegisteredModelAsync(name);
        for (var i = 1; i <= versions; i++)
        {
            await client.CreateModelVersionAsync(name, runId);
        }
        foreach (var version in passed)
        {
            await client.TagAsync(name, version, "keel.validation.status", "passed");
        }
        return (name, runId);
    }

    public static Task<JsonNode> TagAsync(this HttpClient client, string name, int version, string key, string value) =>
        MlflowHttp.OkAsync(client, "model-versions/set-tag", new { name, version = version.ToString(System.Globalization.CultureInfo.InvariantCulture), key, value });

    public static async Task<JsonArray> HistoryAsync(this HttpClient client, string model, string? alias = null)
    {
        var (status, body) = await client.CallAsync(HttpMethod.Get, Route(model, "alias-history") + (alias is null ? "" : "?alias=" + alias));
        Assert.Equal(HttpStatusCode.OK, status);
        return body["moves"]!.AsArray();
    }

    public static async Task<long?> AliasVersionAsync(this HttpClient client, string model, string alias)
    {
        var (status, body) = await client.GetJsonAsync($"registered-models/alias?name={model}&alias={alias}");
        return status == HttpStatusCode.OK ? long.Parse(body["model_version"]!["version"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) : null;
    }
}
