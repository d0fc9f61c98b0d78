using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Keel.Testing;

namespace Keel.Server.Tests.Deployments;

/// <summary>Calls to <c>/api/keel/v1/deployments</c> and a registered model for their routes to point at.</summary>
internal static class DeploymentHttp
{
    public const string Root = "api/keel/v1/deployments";

    public static string Path(string name) => Root + "/" + Uri.EscapeDataString(name);

    public static async Task<(HttpStatusCode Status, JsonNode Body)> SendAsync(this HttpClient client, HttpMethod method, string route, object? body = null)
    {
        using var request = new HttpRequestMessage(method, route);
        if (body is not null)
        {
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, string.IsNullOrEmpty(text) ? new JsonObject() : JsonNode.Parse(text)!);
    }

    public static async Task<JsonNode> OkAsync(this HttpClient client, HttpMethod method, string route, object? body = null)
    {
        var (status, json) = await client.SendAsync(method, route, body);
        return status == HttpStatusCode.OK ? json : throw new InvalidOperationException($"{method} {route} returned {(int)status}: {json.ToJsonString()}");
    }

    /// <summary>A registered model with two versions of one run, aliased champion → 1 and challenger → 2.</summary>
    public static async Task<string> NewModelAsync(this HttpClient client)
    {
        var name = $"deployed-{Guid.NewGuid():N}";
        var runId = await client.CreateRunAsync(await client.CreateExperimentAsync($"deploy-{Guid.NewGuid():N}"));
        await client.CreateRegisteredModelAsync(name);
        await client.CreateModelVersionAsync(name, runId);
        await client.CreateModelVersionAsync(name, runId);
        await MlflowHttp.OkAsync(client, "registered-models/alias", new { name, alias = "champion", version = "1" });
        await MlflowHttp.OkAsync(client, "registered-models/alias", new { name, alias = "challenger", version = "2" });
        return name;
    }

    public static object Spec(string model, double champion = 90, double challenger = 10, string? sticky = "X-User") => new
    {
        routes = new object[]
        {
            new { name = "champion", model_uri = $"models:/{model}@champion", weight = champion },
            new { name = "challenger", model_uri = $"models:/{model}@challenger", weight = challenger },
        },
        shadows = new object[] { new { name = "candidate", model_uri = $"models:/{model}/2" } },
        sticky_header = sticky,
    };
}
