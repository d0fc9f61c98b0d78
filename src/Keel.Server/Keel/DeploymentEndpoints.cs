using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Keel.Contracts.KeelApi;
using Keel.Core.Common;
using Keel.Core.Deployments;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.KeelApi;

/// <summary>
/// <c>/api/keel/v1/deployments</c>: deployments kept by the tracking server, each change a new revision.
/// Errors go through the MLflow error middleware: 400 for a broken rule, 404 for an unknown name.
/// </summary>
public static class DeploymentEndpoints
{
    private const string ByName = KeelRoutes.Deployments + "/{name}";

    /// <summary>Registers <see cref="DeploymentService"/>; it checks model URIs when a ModelUriResolver is registered.</summary>
    public static IServiceCollection AddKeelDeployments(this IServiceCollection services) =>
        services.AddSingleton<DeploymentService>();

    public static IEndpointRouteBuilder MapDeploymentEndpoints(this IEndpointRouteBuilder group)
    {
        group.MapPost(KeelRoutes.Deployments, CreateAsync);
        group.MapGet(KeelRoutes.Deployments, ListAsync);
        group.MapGet(ByName, GetAsync);
        group.MapPut(ByName, UpdateAsync);
        group.MapPatch(ByName, UpdateAsync);
        group.MapDelete(ByName, DeleteAsync);
        group.MapGet(ByName + "/history", HistoryAsync);
        group.MapPost(ByName + "/rollback", RollbackAsync);
        return group;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, DeploymentService deployments)
    {
        var request = await ReadAsync(http, KeelJsonContext.Default.CreateDeploymentRequest) ?? new CreateDeploymentRequest();
        var created = await deployments.CreateAsync(DeploymentMapper.ToSpec(request.Name, request.Spec), http.RequestAborted);
        return Results.Json(created.ToDto(), KeelJsonContext.Default.DeploymentDto);
    }

    private static async Task<IResult> ListAsync(HttpContext http, DeploymentService deployments)
    {
        var all = await deployments.ListAsync(http.RequestAborted);
        return Results.Json(new ListDeploymentsResponse { Deployments = all.Select(d => d.ToDto()).ToArray() },
            KeelJsonContext.Default.ListDeploymentsResponse);
    }

    private static async Task<IResult> GetAsync(string name, HttpContext http, DeploymentService deployments)
    {
        var deployment = await deployments.GetAsync(name, http.RequestAborted);
        return Results.Json(deployment.ToDto(), KeelJsonContext.Default.DeploymentDto);
    }

    private static async Task<IResult> UpdateAsync(string name, HttpContext http, DeploymentService deployments)
    {
        var request = await ReadAsync(http, KeelJsonContext.Default.UpdateDeploymentRequest) ?? new UpdateDeploymentRequest();
        var updated = await deployments.UpdateAsync(name, DeploymentMapper.ToSpec(name, request.Spec), http.RequestAborted);
        return Results.Json(updated.ToDto(), KeelJsonContext.Default.DeploymentDto);
    }

    private static async Task<IResult> HistoryAsync(string name, HttpContext http, DeploymentService deployments)
    {
        var history = await deployments.GetHistoryAsync(name, http.RequestAborted);
        return Results.Json(new DeploymentHistoryResponse { Revisions = history.Select(d => d.ToDto()).ToArray() },
            KeelJsonContext.Default.DeploymentHistoryResponse);
    }

    private static async Task<IResult> RollbackAsync(string name, HttpContext http, DeploymentService deployments)
    {
        var request = await ReadAsync(http, KeelJsonContext.Default.RollbackDeploymentRequest);
        var rolledBack = await deployments.RollbackAsync(name, request?.Revision, http.RequestAborted);
        return Results.Json(rolledBack.ToDto(), KeelJsonContext.Default.DeploymentDto);
    }

    private static async Task<IResult> DeleteAsync(string name, HttpContext http, DeploymentService deployments)
    {
        await deployments.DeleteAsync(name, http.RequestAborted);
        return Results.Json(new DeleteDeploymentResponse(), KeelJsonContext.Default.DeleteDeploymentResponse);
    }

    // An empty body reads as null (the rollback body is optional); malformed JSON is a 400 naming the field.
    private static async Task<T?> ReadAsync<T>(HttpContext http, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        if (http.Request.ContentLength == 0 || http.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            return null;
        }
        try
        {
            return await JsonSerializer.DeserializeAsync(http.Request.Body, typeInfo, http.RequestAborted);
        }
        catch (JsonException e)
        {
            var field = e.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : null;
            throw KeelException.InvalidParameter(field is null
                ? "Malformed JSON in request body."
                : $"Invalid value for parameter '{field}': wrong type or malformed value.");
        }
    }
}
