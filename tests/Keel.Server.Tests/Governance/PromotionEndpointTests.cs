using System.Net;
using System.Text.Json.Nodes;
using Keel.Testing;

namespace Keel.Server.Tests.Governance;

/// <summary>Promote, approve and the approval policy over real HTTP on a real server and SQLite file.</summary>
public sealed class PromotionEndpointTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private static void AssertRefused(HttpStatusCode status, JsonNode body, string code, params string[] mentions)
    {
        Assert.Equal(code == "RESOURCE_DOES_NOT_EXIST" ? HttpStatusCode.NotFound : HttpStatusCode.BadRequest, status);
        Assert.Equal(code, body["error_code"]!.GetValue<string>());
        foreach (var mention in mentions)
        {
            Assert.Contains(mention, body["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Promote_WithoutPassedValidation_IsRefusedNamingTheRule_AndTheAliasDoesNotMove()
    {
        var (model, _) = await _client.NewModelAsync(2);
        await _client.TagAsync(model, 2, "keel.validation.status", "failed");

        var (never, neverBody) = await _client.PromoteAsync(model, 1);
        var (failed, failedBody) = await _client.PromoteAsync(model, 2);

        AssertRefused(never, neverBody, "INVALID_STATE", "keel.validation.status", "not been validated");
        AssertRefused(failed, failedBody, "INVALID_STATE", "keel.validation.status", "'failed'");
        Assert.Null(await _client.AliasVersionAsync(model, "champion"));
        Assert.Empty(await _client.HistoryAsync(model));
    }

    [Fact]
    public async Task Promote_PassedValidation_MovesTheAliasAndRecordsWhoAndWhy()
    {
        var (model, _) = await _client.NewModelAsync(2, 1, 2);

        var (status, move) = await _client.PromoteAsync(model, 1, "ann", reason: "first release");
        await _client.PromoteAsync(model, 2, "bob", reason: "better auc");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("promote", 1L, "ann", "first release"), (move["kind"]!.GetValue<string>(), move["new_version"]!.GetValue<long>(),
            move["user"]!.GetValue<string>(), move["reason"]!.GetValue<string>()));
        Assert.Null(move["previous_version"]);
        Assert.Equal(2, await _client.AliasVersionAsync(model, "champion"));
        var history = await _client.HistoryAsync(model, "champion");
        Assert.Equal(2, history.Count);
        Assert.Equal((1L, 2L, "bob", "better auc"), (history[1]!["previous_version"]!.GetValue<long>(), history[1]!["new_version"]!.GetValue<long>(),
            history[1]!["user"]!.GetValue<string>(), history[1]!["reason"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Promote_UnderApprovalPolicy_NeedsAnotherUsersApproval()
    {
        var (model, _) = await _client.NewModelAsync(1, 1);
        await MlflowHttp.OkAsync(_client, "registered-models/set-tag", new { name = model, key = "keel.policy.require_approval", value = "true" });

        var (none, noneBody) = await _client.PromoteAsync(model, 1, "ann");
        var (selfApproved, _) = await _client.CallAsync(HttpMethod.Post, GovernanceHttp.Route(model, "approve"), new { version = 1, alias = "champion" }, "ann");
        var (self, selfBody) = await _client.PromoteAsync(model, 1, "ann");
        var (otherAlias, _) = await _client.CallAsync(HttpMethod.Post, GovernanceHttp.Route(model, "approve"), new { version = 1, alias = "staging" }, "bob");
        var (stillSelf, _) = await _client.PromoteAsync(model, 1, "ann");
        var (approved, approval) = await _client.CallAsync(HttpMethod.Post, GovernanceHttp.Route(model, "approve"),
            new { version = "1", alias = "champion", comment = "reviewed the gate report" }, "bob");
        var (allowed, move) = await _client.PromoteAsync(model, 1, "ann");

        AssertRefused(none, noneBody, "INVALID_STATE", "keel.policy.require_approval", "other than the one promoting ('ann')", "there is none");
        Assert.Equal(HttpStatusCode.OK, selfApproved);
        AssertRefused(self, selfBody, "INVALID_STATE", "self-approval does not count");
        Assert.Equal(HttpStatusCode.OK, otherAlias);
        Assert.Equal(HttpStatusCode.BadRequest, stillSelf);
        Assert.Equal(HttpStatusCode.OK, approved);
        Assert.Equal(("bob", "reviewed the gate report"), (approval["user"]!.GetValue<string>(), approval["comment"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, allowed);
        Assert.Equal("ann", move["user"]!.GetValue<string>());
        Assert.Equal(1, await _client.AliasVersionAsync(model, "champion"));
        var (_, approvals) = await _client.CallAsync(HttpMethod.Get, GovernanceHttp.Route(model, "approvals") + "?version=1");
        Assert.Equal(3, approvals["approvals"]!.AsArray().Count);
    }

    [Fact]
    public async Task Promote_UnderApprovalPolicy_WithoutAUser_IsRefusedNamingTheHeader()
    {
        var (model, _) = await _client.NewModelAsync(1, 1);
        await MlflowHttp.OkAsync(_client, "registered-models/set-tag", new { name = model, key = "keel.policy.require_approval", value = "TRUE" });

        var (status, body) = await _client.CallAsync(HttpMethod.Post, GovernanceHttp.Route(model, "promote"), new { version = 1, alias = "champion" });

        AssertRefused(status, body, "INVALID_PARAMETER_VALUE", "'user'", "X-Keel-User");
    }

    [Fact]
    public async Task Promote_BadRequests_AreRefusedNamingTheField_AndNothingMoves()
    {
        var (model, _) = await _client.NewModelAsync(1, 1);
        var route = GovernanceHttp.Route(model, "promote");

        var (noVersion, noVersionBody) = await _client.CallAsync(HttpMethod.Post, route, new { alias = "champion" }, "ann");
        var (noAlias, noAliasBody) = await _client.CallAsync(HttpMethod.Post, route, new { version = 1 }, "ann");
        var (badAlias, badAliasBody) = await _client.CallAsync(HttpMethod.Post, route, new { version = 1, alias = "latest" }, "ann");
        var (badVersion, badVersionBody) = await _client.CallAsync(HttpMethod.Post, route, new { version = -3, alias = "champion" }, "ann");
        var (wrongType, wrongTypeBody) = await _client.CallAsync(HttpMethod.Post, route, "{\"version\": {\"x\": 1}, \"alias\": \"champion\"}", "ann");
        var (malformed, malformedBody) = await _client.CallAsync(HttpMethod.Post, route, "{not json", "ann");
        var (unknownVersion, unknownVersionBody) = await _client.PromoteAsync(model, 9);
        var (unknownModel, unknownModelBody) = await _client.PromoteAsync("no-such-model-" + Guid.NewGuid().ToString("N"), 1);

        AssertRefused(noVersion, noVersionBody, "INVALID_PARAMETER_VALUE", "'version'");
        AssertRefused(noAlias, noAliasBody, "INVALID_PARAMETER_VALUE", "'alias'");
        AssertRefused(badAlias, badAliasBody, "INVALID_PARAMETER_VALUE", "'alias'", "reserved");
        AssertRefused(badVersion, badVersionBody, "INVALID_PARAMETER_VALUE", "'version'", "positive");
        AssertRefused(wrongType, wrongTypeBody, "INVALID_PARAMETER_VALUE", "'version'");
        AssertRefused(malformed, malformedBody, "INVALID_PARAMETER_VALUE", "Malformed JSON");
        AssertRefused(unknownVersion, unknownVersionBody, "RESOURCE_DOES_NOT_EXIST", "version=9");
        AssertRefused(unknownModel, unknownModelBody, "RESOURCE_DOES_NOT_EXIST", "no-such-model-");
        Assert.Empty(await _client.HistoryAsync(model));
    }

    [Fact]
    public async Task Approve_BadRequests_AreRefused_AndNothingIsRecorded()
    {
        var (model, _) = await _client.NewModelAsync(1);
        var route = GovernanceHttp.Route(model, "approve");

        var (anonymous, anonymousBody) = await _client.CallAsync(HttpMethod.Post, route, new { version = 1, alias = "champion" });
        var (noAlias, noAliasBody) = await _client.CallAsync(HttpMethod.Post, route, new { version = 1 }, "bob");
        var (unknownVersion, unknownVersionBody) = await _client.CallAsync(HttpMethod.Post, route, new { version = 4, alias = "champion" }, "bob");
        var (unknownModel, _) = await _client.CallAsync(HttpMethod.Post, GovernanceHttp.Route("absent-" + Guid.NewGuid().ToString("N"), "approve"),
            new { version = 1, alias = "champion" }, "bob");
        var (badFilter, badFilterBody) = await _client.CallAsync(HttpMethod.Get, GovernanceHttp.Route(model, "approvals") + "?version=one");

        AssertRefused(anonymous, anonymousBody, "INVALID_PARAMETER_VALUE", "'user'");
        AssertRefused(noAlias, noAliasBody, "INVALID_PARAMETER_VALUE", "'alias'");
        AssertRefused(unknownVersion, unknownVersionBody, "RESOURCE_DOES_NOT_EXIST", "version=4");
        Assert.Equal(HttpStatusCode.NotFound, unknownModel);
        AssertRefused(badFilter, badFilterBody, "INVALID_PARAMETER_VALUE", "'version'");
        var (_, approvals) = await _client.CallAsync(HttpMethod.Get, GovernanceHttp.Route(model, "approvals"));
        Assert.Empty(approvals["approvals"]!.AsArray());
    }
}
