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

    /// <summary>Sends a JSON body with any method (PATCH, DELETE): MLflow's registry takes bodies on both.</summary>
    public static async Task<(HttpStatusCode Status, JsonNode Body)> SendJsonAsync(this HttpClient client, HttpMethod method, string route, object body)
    {
        using var request = new HttpRequestMessage(method, Api + route)
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await ReadAsync(response));
    }

    /// <summary>Sends a JSON body with any method and insists on 200, returning the body.</summary>
    public static async Task<JsonNode> SendOkAsync(this HttpClient client, HttpMethod method, string route, object body)
    {
        var (status, json) = await client.SendJsonAsync(method, route, body);
        return status == HttpStatusCode.OK
            ? json
            : throw new InvalidOperationException($"{method} {route} returned {(int)status}: {json.ToJsonString()}");
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

    public static async Task<JsonNode> CreateRegisteredModelAsync(this HttpClient client, string name) =>
        (await client.OkAsync("registered-models/create", new { name }))["registered_model"]!;

    /// <summary>Registers a version of <paramref name="name"/> from <c>runs:/&lt;runId&gt;/model</c>; returns the model_version.</summary>
    public static async Task<JsonNode> CreateModelVersionAsync(this HttpClient client, string name, string runId) =>
        (await client.OkAsync("model-versions/create", new { name, source = $"runs:/{runId}/model", run_id = runId }))["model_version"]!;

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return string.IsNullOrEmpty(text) ? new JsonObject() : JsonNode.Parse(text) ?? new JsonObject();
    }
}
