using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Keel.Testing;

/// <summary>Raw-JSON calls to the MLflow API, as a non-.NET client would make them.</summary>
public static class MlflowHttp
{
    public const string Api = "api/2.0/mlflow/";

    public static async Task<(HttpStatusCode Status, JsonNode Body)> PostJsonAsync(this HttpClient client, string route, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(Api + route, content);
        return (response.StatusCode, await ReadAsync(response));
    }

    public static Task<(HttpStatusCode Status, JsonNode Body)> PostJsonAsync(this HttpClient client, string route, object body) =>
        client.PostJsonAsync(route, JsonSerializer.Serialize(body));

    public static async Task<(HttpStatusCode Status, JsonNode Body)> GetJsonAsync(this HttpClient client, string routeAndQuery)
    {
        using var response = await client.GetAsync(Api + routeAndQuery);
        return (response.StatusCode, await ReadAsync(response));
    }

    /// <summary>POSTs and insists on 200, returning the body.</summary>
    public static async Task<JsonNode> OkAsync(this HttpClient client, string route, object body)
    {
        var (status, json) = await client.PostJsonAsync(route, body);
        return status == HttpStatusCode.OK
            ? json
            : throw new InvalidOperationException($"POST {route} returned {(int)status}: {json.ToJsonString()}");
    }

    public static async Task<JsonNode> GetOkAsync(this HttpClient client, string routeAndQuery)
    {
        var (status, json) = await client.GetJsonAsync(routeAndQuery);
        return status == HttpStatusCode.OK
            ? json
            : throw new InvalidOperationException($"GET {routeAndQuery} returned {(int)status}: {json.ToJsonString()}");
    }

    public static async Task<string> CreateExperimentAsync(this HttpClient client, string name) =>
        (string)(await client.OkAsync("experiments/create", new { name }))["experiment_id"]!;

    public static async Task<string> CreateRunAsync(this HttpClient client, string experimentId, string? runName = null) =>
        (string)(await client.OkAsync("runs/create", new { experiment_id = experimentId, run_name = runName, start_time = 1_700_000_000_000L }))["run"]!["info"]!["run_id"]!;

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return string.IsNullOrEmpty(text) ? new JsonObject() : JsonNode.Parse(text) ?? new JsonObject();
    }
}
