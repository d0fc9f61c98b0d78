using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Keel.Contracts.KeelApi;

namespace Keel.Client;

// Deployments kept by a Keel tracking server (/api/keel/v1/deployments): traffic routes, shadows and a sticky
// header, with every change kept as a numbered revision. An MLflow server answers these with ENDPOINT_NOT_FOUND.
public sealed partial class KeelClient
{
    /// <summary>
    /// Creates a deployment at revision 1. The server checks the rules (at least one route; route and shadow names
    /// unique, of letters, digits, '_' and '-'; weights finite, at least 0, with a positive sum; parseable model URIs;
    /// a header-name sticky header) and that every model URI resolves.
    /// </summary>
    /// <param name="name">The deployment's name (the rules of a registered model's name).</param>
    /// <param name="spec">Its routes, shadows and sticky header.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException">
    /// <c>INVALID_PARAMETER_VALUE</c> naming the field and rule; <c>RESOURCE_ALREADY_EXISTS</c> for a taken name;
    /// <c>RESOURCE_DOES_NOT_EXIST</c> naming the route whose model URI does not resolve.
    /// </exception>
    public Task<DeploymentDto> CreateDeploymentAsync(string name, DeploymentSpecDto spec, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(spec);
        return SendKeelAsync(HttpMethod.Post, KeelRoutes.Deployments, new CreateDeploymentRequest { Name = name, Spec = spec },
            KeelJsonContext.Default.CreateDeploymentRequest, KeelJsonContext.Default.DeploymentDto, ct);
    }

    /// <summary>Replaces a deployment's spec, as a new revision (the same rules as <see cref="CreateDeploymentAsync"/>).</summary>
    /// <param name="name">The deployment.</param>
    /// <param name="spec">The whole new spec.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> for an unknown deployment; otherwise as on create.</exception>
    public Task<DeploymentDto> UpdateDeploymentAsync(string name, DeploymentSpecDto spec, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(spec);
        return SendKeelAsync(HttpMethod.Put, DeploymentRoute(name), new UpdateDeploymentRequest { Spec = spec },
            KeelJsonContext.Default.UpdateDeploymentRequest, KeelJsonContext.Default.DeploymentDto, ct);
    }

    /// <summary>A deployment at its current revision.</summary>
    /// <param name="name">The deployment.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> for an unknown deployment.</exception>
    public Task<DeploymentDto> GetDeploymentAsync(string name, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return GetKeelAsync(DeploymentRoute(name), KeelJsonContext.Default.DeploymentDto, ct);
    }

    /// <summary>Every deployment at its current revision, ordered by name.</summary>
    /// <param name="ct">Cancels the call.</param>
    public async Task<IReadOnlyList<DeploymentDto>> ListDeploymentsAsync(CancellationToken ct = default) =>
        (await GetKeelAsync(KeelRoutes.Deployments, KeelJsonContext.Default.ListDeploymentsResponse, ct).ConfigureAwait(false)).Deployments;

    /// <summary>Every revision of a deployment, newest (the current one) first.</summary>
    /// <param name="name">The deployment.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> for an unknown deployment.</exception>
    public async Task<IReadOnlyList<DeploymentDto>> GetDeploymentHistoryAsync(string name, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return (await GetKeelAsync(DeploymentRoute(name) + "/history", KeelJsonContext.Default.DeploymentHistoryResponse, ct).ConfigureAwait(false))
            .Revisions;
    }

    /// <summary>
    /// Makes a new revision whose spec is that of <paramref name="toRevision"/>, or of the revision before the
    /// current one when null. History is never rewritten: rolling back twice returns to where it started.
    /// </summary>
    /// <param name="name">The deployment.</param>
    /// <param name="toRevision">The revision to restore [default: the previous one].</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException">
    /// <c>INVALID_STATE</c> when there is no earlier revision (or <paramref name="toRevision"/> is the current one);
    /// <c>RESOURCE_DOES_NOT_EXIST</c> for an unknown deployment or revision, or a route whose model no longer resolves.
    /// </exception>
    public Task<DeploymentDto> RollbackDeploymentAsync(string name, long? toRevision = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return SendKeelAsync(HttpMethod.Post, DeploymentRoute(name) + "/rollback", new RollbackDeploymentRequest { Revision = toRevision },
            KeelJsonContext.Default.RollbackDeploymentRequest, KeelJsonContext.Default.DeploymentDto, ct);
    }

    /// <summary>Deletes a deployment with its history (not restorable).</summary>
    /// <param name="name">The deployment.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> for an unknown deployment.</exception>
    public async Task DeleteDeploymentAsync(string name, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var uri = KeelUri(DeploymentRoute(name));
        using var response = await _transport.SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, uri), HttpCompletionOption.ResponseContentRead, ct)
            .ConfigureAwait(false);
    }

    private static string DeploymentRoute(string name) => KeelRoutes.Deployments + "/" + Uri.EscapeDataString(name);

    private Uri KeelUri(string routeAndQuery) => new(_transport.BaseUri, KeelRoutes.ApiPrefix.TrimStart('/') + "/" + routeAndQuery);

    private async Task<TResponse> SendKeelAsync<TRequest, TResponse>(
        HttpMethod method, string route, TRequest body, JsonTypeInfo<TRequest> requestInfo, JsonTypeInfo<TResponse> responseInfo, CancellationToken ct)
    {
        var uri = KeelUri(route);
        var json = JsonSerializer.SerializeToUtf8Bytes(body, requestInfo);
        using var response = await _transport.SendAsync(
            () => new HttpRequestMessage(method, uri) { Content = new ByteArrayContent(json) { Headers = { ContentType = new("application/json") } } },
            HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync(responseInfo, ct).ConfigureAwait(false)
            ?? throw new JsonException($"The tracking server answered {uri} with an empty body.");
    }
}
