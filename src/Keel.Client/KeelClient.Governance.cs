using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Keel.Contracts.KeelApi;

namespace Keel.Client;

// Governance of a Keel tracking server (/api/keel/v1/models/{name}/…): promotion behind the validation gate and the
// approval policy, approvals, rollback, the alias history and model cards. Each write names its user in the
// X-Keel-User header [default: the OS user name, as runs record it].
public sealed partial class KeelClient
{
    /// <summary>
    /// Moves <paramref name="alias"/> to <paramref name="version"/> if the version's latest validation passed
    /// (<c>keel.validation.status</c> = <c>passed</c>) and, when the model is tagged
    /// <c>keel.policy.require_approval</c> = <c>true</c>, another user approved that version for that alias.
    /// </summary>
    /// <param name="name">The registered model.</param>
    /// <param name="version">The version to promote.</param>
    /// <param name="alias">The alias to move, e.g. <c>champion</c>.</param>
    /// <param name="reason">Why, kept in the alias history [default: empty].</param>
    /// <param name="user">Who promotes [default: the OS user name].</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>The recorded move.</returns>
    /// <exception cref="KeelApiException"><c>INVALID_STATE</c> naming the rule that refused it; <c>RESOURCE_DOES_NOT_EXIST</c> for an unknown model or version.</exception>
    public Task<AliasMoveDto> PromoteModelVersionAsync(string name, long version, string alias, string? reason = null, string? user = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(alias);
        return SendGovernanceAsync(name, "promote", new PromoteModelRequest { Version = version, Alias = alias, Reason = reason },
            GovernanceJsonContext.Default.PromoteModelRequest, GovernanceJsonContext.Default.AliasMoveDto, user, ct);
    }

    /// <summary>Records <paramref name="user"/>'s approval of a version for an alias; approving again replaces the comment.</summary>
    /// <param name="name">The registered model.</param>
    /// <param name="version">The version approved.</param>
    /// <param name="alias">The alias it may be promoted to.</param>
    /// <param name="comment">Free text [default: empty].</param>
    /// <param name="user">Who approves [default: the OS user name]; it must differ from the user who later promotes.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> for an unknown model or version; <c>INVALID_PARAMETER_VALUE</c> naming the field.</exception>
    public Task<ApprovalDto> ApproveModelVersionAsync(string name, long version, string alias, string? comment = null, string? user = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(alias);
        return SendGovernanceAsync(name, "approve", new ApproveModelVersionRequest { Version = version, Alias = alias, Comment = comment },
            GovernanceJsonContext.Default.ApproveModelVersionRequest, GovernanceJsonContext.Default.ApprovalDto, user, ct);
    }

    /// <summary>Moves <paramref name="alias"/> back to the version that held it before its current holder.</summary>
    /// <param name="name">The registered model.</param>
    /// <param name="alias">The alias to roll back.</param>
    /// <param name="reason">Why, kept in the alias history [default: empty].</param>
    /// <param name="user">Who rolls back [default: the OS user name].</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>The recorded move.</returns>
    /// <exception cref="KeelApiException"><c>INVALID_STATE</c> when there is nothing to roll back to.</exception>
    public Task<AliasMoveDto> RollbackModelAliasAsync(string name, string alias, string? reason = null, string? user = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(alias);
        return SendGovernanceAsync(name, "rollback", new RollbackAliasRequest { Alias = alias, Reason = reason },
            GovernanceJsonContext.Default.RollbackAliasRequest, GovernanceJsonContext.Default.AliasMoveDto, user, ct);
    }

    /// <summary>The model's recorded alias moves, oldest first.</summary>
    /// <param name="name">The registered model.</param>
    /// <param name="alias">Only this alias's moves [default: every alias].</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<IReadOnlyList<AliasMoveDto>> GetAliasHistoryAsync(string name, string? alias = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var route = GovernanceRoute(name, "alias-history") + Internal.MlflowTransport.Query([new("alias", alias)]);
        return (await GetKeelAsync(route, GovernanceJsonContext.Default.AliasHistoryResponse, ct).ConfigureAwait(false)).Moves;
    }

    /// <summary>The model's approvals, oldest first.</summary>
    /// <param name="name">The registered model.</param>
    /// <param name="version">Only this version's [default: every version].</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<IReadOnlyList<ApprovalDto>> ListApprovalsAsync(string name, long? version = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var route = GovernanceRoute(name, "approvals") + Internal.MlflowTransport.Query([new("version", version?.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        return (await GetKeelAsync(route, GovernanceJsonContext.Default.ListApprovalsResponse, ct).ConfigureAwait(false)).Approvals;
    }

    /// <summary>A model version's card: description, training data and profiles, params, metrics, validation, importance, lineage and history.</summary>
    /// <param name="name">The registered model.</param>
    /// <param name="version">The version.</param>
    /// <param name="format"><c>md</c> (Markdown) or <c>html</c> (one self-contained page, no script).</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<string> GetModelCardAsync(string name, long version, string format = "md", CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(format);
        var uri = KeelUri(GovernanceRoute(name, "versions/" + version.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/card")
            + Internal.MlflowTransport.Query([new("format", format)]));
        using var response = await _transport.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, uri), HttpCompletionOption.ResponseContentRead, ct)
            .ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
    }

    private static string GovernanceRoute(string name, string action) =>
        GovernanceRoutes.Models + "/" + Uri.EscapeDataString(name) + "/" + action;

    private async Task<TResponse> SendGovernanceAsync<TRequest, TResponse>(
        string name, string action, TRequest body, JsonTypeInfo<TRequest> requestInfo, JsonTypeInfo<TResponse> responseInfo, string? user, CancellationToken ct)
    {
        var uri = KeelUri(GovernanceRoute(name, action));
        var json = JsonSerializer.SerializeToUtf8Bytes(body, requestInfo);
        var who = string.IsNullOrWhiteSpace(user) ? Environment.UserName : user;
        using var response = await _transport.SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(json) { Headers = { ContentType = new("application/json") } } };
            request.Headers.TryAddWithoutValidation(GovernanceRoutes.UserHeader, who);
            return request;
        }, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync(responseInfo, ct).ConfigureAwait(false)
            ?? throw new JsonException($"The tracking server answered {uri} with an empty body.");
    }
}
