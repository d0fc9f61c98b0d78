using System.Net;
using Keel.Testing;

namespace Keel.Server.Tests.Governance;

/// <summary>Rollback and the alias history (moves through MLflow's alias API included) over real HTTP.</summary>
public sealed class RollbackAndHistoryEndpointTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private Task<(HttpStatusCode Status, System.Text.Json.Nodes.JsonNode Body)> RollbackAsync(string model, string alias = "champion", string? user = "ops") =>
        _client.CallAsync(HttpMethod.Post, GovernanceHttp.Route(model, "rollback"), new { alias, reason = "bad canary" }, user);

    [Fact]
    public async Task Rollback_WalksBackThroughPreviousHolders_ThenRefusesWhenNoneIsLeft()
    {
        var (model, _) = await _client.NewModelAsync(3, 1, 2, 3);
        await _client.PromoteAsync(model, 1);
        await _client.PromoteAsync(model, 2);
        await _client.PromoteAsync(model, 3);

        var (first, firstMove) = await RollbackAsync(model);
        var afterFirst = await _client.AliasVersionAsync(model, "champion");
        var (second, _) = await RollbackAsync(model);
        var afterSecond = await _client.AliasVersionAsync(model, "champion");
        var (third, thirdBody) = await RollbackAsync(model);

        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal(("rollback", 3L, 2L, "ops", "bad canary"), (firstMove["kind"]!.GetValue<string>(), firstMove["previous_version"]!.GetValue<long>(),
            firstMove["new_version"]!.GetValue<long>(), firstMove["user"]!.GetValue<string>(), firstMove["reason"]!.GetValue<string>()));
        Assert.Equal(2, afterFirst);
        Assert.Equal(HttpStatusCode.OK, second);
        Assert.Equal(1, afterSecond);
        Assert.Equal(HttpStatusCode.BadRequest, third);
        Assert.Equal("INVALID_STATE", thirdBody["error_code"]!.GetValue<string>());
        Assert.Contains("Nothing to roll back", thirdBody["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, await _client.AliasVersionAsync(model, "champion"));
    }

    [Fact]
    public async Task Rollback_SkipsVersionsDeletedSince()
    {
        var (model, _) = await _client.NewModelAsync(3, 1, 2, 3);
        await _client.PromoteAsync(model, 1);
        await _client.PromoteAsync(model, 2);
        await _client.PromoteAsync(model, 3);
        await MlflowHttp.SendOkAsync(_client, HttpMethod.Delete, "model-versions/delete", new { name = model, version = "2" });

        var (status, move) = await RollbackAsync(model);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, move["new_version"]!.GetValue<long>());
        Assert.Equal(1, await _client.AliasVersionAsync(model, "champion"));
    }

    [Fact]
    public async Task DeletingTheChampionVersion_ThroughMlflow_RecordsTheAliasRemovalWithTheUser()
    {
        var (model, _) = await _client.NewModelAsync(2, 1, 2);
        await _client.PromoteAsync(model, 1);
        await _client.PromoteAsync(model, 2);

        var (status, _) = await _client.CallAsync(HttpMethod.Delete, "api/2.0/mlflow/model-versions/delete", new { name = model, version = "2" }, "eve");
        var history = await _client.HistoryAsync(model, "champion");
        var (rolledBack, move) = await RollbackAsync(model);

        Assert.Equal(HttpStatusCode.OK, status);
        var removal = history[^1]!;
        Assert.Equal(("delete", 2L, "eve", "version 2 deleted"), (removal["kind"]!.GetValue<string>(), removal["previous_version"]!.GetValue<long>(),
            removal["user"]!.GetValue<string>(), removal["reason"]!.GetValue<string>()));
        Assert.Null(removal["new_version"]);
        // Nobody holds the alias now; rollback still finds the holder before the deleted one.
        Assert.Equal(HttpStatusCode.OK, rolledBack);
        Assert.Equal(1, move["new_version"]!.GetValue<long>());
    }

    [Fact]
    public async Task Rollback_FailureCases_AreRefusedNamingTheProblem()
    {
        var (model, _) = await _client.NewModelAsync(1, 1);
        await _client.PromoteAsync(model, 1);

        var (unset, unsetBody) = await RollbackAsync(model, "challenger");
        var (single, singleBody) = await RollbackAsync(model);
        var (missing, missingBody) = await _client.CallAsync(HttpMethod.Post, GovernanceHttp.Route(model, "rollback"), new { reason = "x" });
        var (unknown, _) = await RollbackAsync("absent-" + Guid.NewGuid().ToString("N"));

        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_STATE"), (unset, unsetBody["error_code"]!.GetValue<string>()));
        Assert.Contains("'challenger'", unsetBody["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_STATE"), (single, singleBody["error_code"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE"), (missing, missingBody["error_code"]!.GetValue<string>()));
        Assert.Contains("'alias'", missingBody["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal(1, await _client.AliasVersionAsync(model, "champion"));
    }

    [Fact]
    public async Task History_RecordsMovesMadeThroughMlflowsAliasApi_WithTheUserHeader()
    {
        var (model, _) = await _client.NewModelAsync(2);
        using (var request = new HttpRequestMessage(HttpMethod.Post, MlflowHttp.Api + "registered-models/alias"))
        {
            request.Content = new StringContent($"{{\"name\":\"{model}\",\"alias\":\"champion\",\"version\":\"1\"}}", System.Text.Encoding.UTF8, "application/json");
            request.Headers.Add("X-Keel-User", "carol");
            using var response = await _client.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await MlflowHttp.OkAsync(_client, "registered-models/alias", new { name = model, alias = "champion", version = "2" });
        await MlflowHttp.SendOkAsync(_client, HttpMethod.Delete, "registered-models/alias", new { name = model, alias = "champion" });
        await MlflowHttp.SendOkAsync(_client, HttpMethod.Delete, "registered-models/alias", new { name = model, alias = "champion" });

        var history = await _client.HistoryAsync(model);

        Assert.Equal(
            [("set", null, 1L, "carol"), ("set", 1L, 2L, "unknown"), ("delete", 2L, null, "unknown")],
            history.Select(m => (m!["kind"]!.GetValue<string>(), m["previous_version"]?.GetValue<long>(), m["new_version"]?.GetValue<long>(),
                m["user"]!.GetValue<string>())).ToArray<(string, long?, long?, string)>());
        Assert.Null(await _client.AliasVersionAsync(model, "champion"));
    }

    [Fact]
    public async Task History_FiltersByAlias_AndRefusesAnUnknownModel()
    {
        var (model, _) = await _client.NewModelAsync(2, 1, 2);
        await _client.PromoteAsync(model, 1, alias: "champion");
        await _client.PromoteAsync(model, 2, alias: "challenger");

        var challenger = await _client.HistoryAsync(model, "challenger");
        var all = await _client.HistoryAsync(model);
        var (status, body) = await _client.CallAsync(HttpMethod.Get, GovernanceHttp.Route("absent-" + Guid.NewGuid().ToString("N"), "alias-history"));

        Assert.Equal(2, Assert.Single(challenger)!["new_version"]!.GetValue<long>());
        Assert.Equal(2, all.Count);
        Assert.Equal((HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST"), (status, body["error_code"]!.GetValue<string>()));
    }
}
