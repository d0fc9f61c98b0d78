using System.Net;
using Keel.Testing;

namespace Keel.Server.Tests.Deployments;

/// <summary>Every rule of a deployment spec, over HTTP: 400 INVALID_PARAMETER_VALUE naming the field.</summary>
public sealed class DeploymentValidationTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private const string Uri = "models:/m/1";

    public static TheoryData<string, string> BadBodies => new()
    {
        { """{"spec": {"routes": [{"name": "a", "model_uri": "models:/m/1", "weight": 1}]}}""", "Missing value for required parameter 'name'" },
        { """{"name": "a/b", "spec": {"routes": [{"name": "a", "model_uri": "models:/m/1", "weight": 1}]}}""", "'name': deployment names must not be blank or contain '/'" },
        { """{"name": "d"}""", "Missing value for required parameter 'spec'" },
        { """{"name": "d", "spec": {"routes": []}}""", "'routes': a deployment needs at least one route" },
        { """{"name": "d", "spec": {"routes": [{"model_uri": "models:/m/1", "weight": 1}]}}""", "Missing value for required parameter 'routes[0].name'" },
        { """{"name": "d", "spec": {"routes": [{"name": "a b", "model_uri": "models:/m/1", "weight": 1}]}}""", "'routes[0].name': route names are" },
        { """{"name": "d", "spec": {"routes": [{"name": "a", "model_uri": "models:/m/1", "weight": 1}, {"name": "a", "model_uri": "models:/m/1", "weight": 1}]}}""", "'routes[1].name': route and shadow names must be unique" },
        { """{"name": "d", "spec": {"routes": [{"name": "a", "model_uri": "models:/m/1", "weight": 1}], "shadows": [{"name": "a", "model_uri": "models:/m/1"}]}}""", "'shadows[0].name': route and shadow names must be unique" },
        { """{"name": "d", "spec": {"routes": [{"name": "a", "model_uri": "models:/m/1"}]}}""", "Missing value for required parameter 'routes[0].weight'" },
        { """{"name": "d", "spec": {"routes": [{"name": "a", "model_uri": "models:/m/1", "weight": -1}]}}""", "'routes[0].weight': weights are finite numbers >= 0" },
        { """{"name": "d", "spec": {"routes": [{"name": "a", "model_uri": "models:/m/1", "weight": "NaN"}]}}""", "'routes[0].weight': weights are finite numbers >= 0" },
        { """{"name": "d", "spec": {"routes": [{"name": "a", "model_uri": "models:/m/1", "weight": "Infinity"}]}}""", "'routes[0].weight': weights are finite numbers >= 0" },
        { """{"name": "d", "spec": {"routes": [{"name": "a", "model_uri": "models:/m/1", "weight": 0}]}}""", "positive sum" },
        { """{"name": "d", "spec": {"routes": [{"name": "a", "model_uri": "s3://b/m", "weight": 1}]}}""", "'routes[0].model_uri'" },
        { """{"name": "d", "spec": {"routes": [{"name": "a", "weight": 1}]}}""", "'routes[0].model_uri'" },
        { """{"name": "d", "spec": {"routes": [{"name": "a", "model_uri": "models:/m/1", "weight": 1}], "shadows": [{"name": "s", "model_uri": "models:/m"}]}}""", "'shadows[0].model_uri'" },
        { """{"name": "d", "spec": {"routes": [{"name": "a", "model_uri": "models:/m/1", "weight": 1}], "sticky_header": "X User"}}""", "'sticky_header': expected an HTTP header name" },
        { """{"name": "d", "spec": {"routes": [{"name": "a", "model_uri": "models:/m/1", "weight": "heavy"}]}}""", "'spec.routes[0].weight': wrong type" },
        { "nope", "Malformed JSON" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Create_BadInput_Is400NamingTheFieldAndRule(string body, string expected)
    {
        var (status, json) = await _client.SendAsync(HttpMethod.Post, DeploymentHttp.Root, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", json["error_code"]!.GetValue<string>());
        Assert.Contains(expected, json["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_BadInput_Is400AndAddsNoRevision()
    {
        var model = await _client.NewModelAsync();
        var name = $"dep-{Guid.NewGuid():N}";
        await _client.OkAsync(HttpMethod.Post, DeploymentHttp.Root, new { name, spec = DeploymentHttp.Spec(model) });

        var (status, json) = await _client.SendAsync(HttpMethod.Put, DeploymentHttp.Path(name),
            new { spec = new { routes = new[] { new { name = "a", model_uri = Uri, weight = -5.0 } } } });
        var (missingStatus, missing) = await _client.SendAsync(HttpMethod.Put, DeploymentHttp.Path(name), "{}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'routes[0].weight'", json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, missingStatus);
        Assert.Contains("'spec'", missing["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, (await _client.OkAsync(HttpMethod.Get, DeploymentHttp.Path(name)))["revision"]!.GetValue<long>());
    }
}
