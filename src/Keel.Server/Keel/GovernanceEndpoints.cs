using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Keel.Contracts.KeelApi;
using Keel.Core.Common;
using Keel.Core.Registry.Governance;
using Keel.Core.Registry.Governance.Cards;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.KeelApi;

/// <summary>
/// <c>/api/keel/v1/models/{name}/…</c>: promotion behind the validation gate and approval policy, approvals, rollback,
/// alias history and model cards. The user is the <c>X-Keel-User</c> header. Refusals are INVALID_STATE (400) naming
/// the rule; unknown models and versions are 404.
/// </summary>
public static class GovernanceEndpoints
{
    private const string ByModel = GovernanceRoutes.Models + "/{name}";

    public static IServiceCollection AddKeelGovernance(this IServiceCollection services) =>
        services.AddSingleton<PromotionService>().AddSingleton<ModelCardService>();

    public static IEndpointRouteBuilder MapGovernanceEndpoints(this IEndpointRouteBuilder group)
    {
        group.MapPost(ByModel + "/promote", PromoteAsync);
        group.MapPost(ByModel + "/approve", ApproveAsync);
        group.MapGet(ByModel + "/approvals", ApprovalsAsync);
        group.MapPost(ByModel + "/rollback", RollbackAsync);
        group.MapGet(ByModel + "/alias-history", HistoryAsync);
        group.MapGet(ByModel + "/versions/{version}/card", CardAsync);
        return group;
    }

    /// <summary>The <c>X-Keel-User</c> header, or null when absent or blank.</summary>
    internal static string? User(HttpContext http) =>
        http.Request.Headers.TryGetValue(GovernanceRoutes.UserHeader, out var values) && values.Count > 0 && !string.IsNullOrWhiteSpace(values[^1])
            ? values[^1]
            : null;

    private static async Task<IResult> PromoteAsync(string name, HttpContext http, PromotionService promotion)
    {
        var request = await ReadAsync(http, GovernanceJsonContext.Default.PromoteModelRequest);
        var move = await promotion.PromoteAsync(name, Text(request.Version), request.Alias, User(http), request.Reason, http.RequestAborted);
        return Results.Json(move.ToDto(), GovernanceJsonContext.Default.AliasMoveDto);
    }

    private static async Task<IResult> ApproveAsync(string name, HttpContext http, PromotionService promotion)
    {
        var request = await ReadAsync(http, GovernanceJsonContext.Default.ApproveModelVersionRequest);
        var approval = await promotion.ApproveAsync(name, Text(request.Version), request.Alias, User(http), request.Comment, http.RequestAborted);
        return Results.Json(approval.ToDto(), GovernanceJsonContext.Default.ApprovalDto);
    }

    private static async Task<IResult> ApprovalsAsync(string name, HttpContext http, PromotionService promotion)
    {
        var approvals = await promotion.ListApprovalsAsync(name, Query(http, "version"), http.RequestAborted);
        return Results.Json(new ListApprovalsResponse { Approvals = approvals.Select(a => a.ToDto()).ToArray() },
            GovernanceJsonContext.Default.ListApprovalsResponse);
    }

    private static async Task<IResult> RollbackAsync(string name, HttpContext http, PromotionService promotion)
    {
        var request = await ReadAsync(http, GovernanceJsonContext.Default.RollbackAliasRequest);
        var move = await promotion.RollbackAsync(name, request.Alias, User(http), request.Reason, http.RequestAborted);
        return Results.Json(move.ToDto(), GovernanceJsonContext.Default.AliasMoveDto);
    }

    private static async Task<IResult> HistoryAsync(string name, HttpContext http, PromotionService promotion)
    {
        var moves = await promotion.GetAliasHistoryAsync(name, Query(http, "alias"), http.RequestAborted);
        return Results.Json(new AliasHistoryResponse { Moves = moves.Select(m => m.ToDto()).ToArray() },
            GovernanceJsonContext.Default.AliasHistoryResponse);
    }

    private static async Task<IResult> CardAsync(string name, string version, HttpContext http, ModelCardService cards)
    {
        var format = Query(http, "format") ?? "md";
        if (format is not ("md" or "html"))
        {
            throw KeelException.InvalidParameter($"Invalid value '{format}' for parameter 'format': expected md or html.");
        }
        var card = await cards.BuildAsync(name, version, http.RequestAborted);
        return format == "html"
            ? Results.Text(ModelCardHtml.Render(card), "text/html; charset=utf-8", Encoding.UTF8)
            : Results.Text(ModelCardMarkdown.Render(card), "text/markdown; charset=utf-8", Encoding.UTF8);
    }

    private static string? Query(HttpContext http, string key) =>
        http.Request.Query.TryGetValue(key, out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[^1]) ? values[^1] : null;

    private static string? Text(long? version) => version?.ToString(CultureInfo.InvariantCulture);

    // A missing or empty body reads as an empty request, so each missing field is reported by name.
    private static async Task<T> ReadAsync<T>(HttpContext http, JsonTypeInfo<T> typeInfo)
        where T : class, new()
    {
        if (http.Request.ContentLength == 0)
        {
            return new T();
        }
        try
        {
            return await JsonSerializer.DeserializeAsync(http.Request.Body, typeInfo, http.RequestAborted) ?? new T();
        }
        catch (JsonException e)
        {
            var field = e.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : null;
            throw KeelException.InvalidParameter(field is null
                ? "Malformed JSON in request body."
                : $"Invalid value for parameter '{field}': wrong type or malformed value.");
        }
    }

    private static AliasMoveDto ToDto(this AliasMove move) => new()
    {
        Id = move.Id,
        Model = move.Model,
        Alias = move.Alias,
        PreviousVersion = move.PreviousVersion,
        NewVersion = move.NewVersion,
        User = move.User,
        Reason = move.Reason,
        Kind = move.Kind,
        Timestamp = move.Timestamp,
    };

    private static ApprovalDto ToDto(this Approval approval) => new()
    {
        Model = approval.Model,
        Version = approval.Version,
        Alias = approval.Alias,
        User = approval.User,
        Comment = approval.Comment,
        Timestamp = approval.Timestamp,
    };
}
