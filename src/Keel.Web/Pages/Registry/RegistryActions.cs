using Keel.Core.Registry;
using Keel.Core.Registry.Governance;
using Keel.Web.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Keel.Web.Pages.Registry;

/// <summary>
/// The registry pages' edit forms: description, tags, aliases and stage. Each is a POST checked against the antiforgery
/// token; the change goes through <see cref="RegistryService"/> (its rules, its 400s naming the field), then the browser
/// is sent back to the page. There is no sign-in yet, so anyone who can reach the server can edit (see docs/ui.md).
/// </summary>
internal static class RegistryActions
{
    public static void MapRegistryActions(this IEndpointRouteBuilder pages)
    {
        pages.MapPost("/models/{name}/description", (string name, HttpContext context, RegistryService registry, CancellationToken ct) =>
            ApplyAsync(context, RegistryUrls.Model(name), form => registry.UpdateRegisteredModelAsync(name, Description(form), ct), ct));
        pages.MapPost("/models/{name}/tags", (string name, HttpContext context, RegistryService registry, CancellationToken ct) =>
            ApplyAsync(context, RegistryUrls.Model(name), form => registry.SetRegisteredModelTagAsync(name, Trimmed(form["key"]), form["value"].ToString(), ct), ct));
        pages.MapPost("/models/{name}/tags/delete", (string name, HttpContext context, RegistryService registry, CancellationToken ct) =>
            ApplyAsync(context, RegistryUrls.Model(name), form => registry.DeleteRegisteredModelTagAsync(name, form["key"].ToString(), ct), ct));
        // Alias moves go through PromotionService so the alias history records them (by an unnamed user until sign-in exists).
        pages.MapPost("/models/{name}/aliases", (string name, HttpContext context, PromotionService promotion, CancellationToken ct) =>
            ApplyAsync(context, RegistryUrls.Model(name), form => promotion.SetAliasAsync(name, Trimmed(form["alias"]), Trimmed(form["version"]), user: null, ct), ct));
        pages.MapPost("/models/{name}/aliases/delete", (string name, HttpContext context, PromotionService promotion, CancellationToken ct) =>
            ApplyAsync(context, RegistryUrls.Model(name), form => promotion.DeleteAliasAsync(name, form["alias"].ToString(), user: null, ct), ct));

        pages.MapPost("/models/{name}/versions/{version}/description", (string name, string version, HttpContext context, RegistryService registry, CancellationToken ct) =>
            ApplyAsync(context, VersionUrl(name, version), form => registry.UpdateModelVersionAsync(name, version, Description(form), ct), ct));
        pages.MapPost("/models/{name}/versions/{version}/stage", (string name, string version, HttpContext context, RegistryService registry, CancellationToken ct) =>
            ApplyAsync(context, VersionUrl(name, version), form => registry.TransitionStageAsync(
                name, version, form["stage"].ToString(), form["archive_existing"].ToString() == "true", ct), ct));
        pages.MapPost("/models/{name}/versions/{version}/tags", (string name, string version, HttpContext context, RegistryService registry, CancellationToken ct) =>
            ApplyAsync(context, VersionUrl(name, version), form => registry.SetModelVersionTagAsync(name, version, Trimmed(form["key"]), form["value"].ToString(), ct), ct));
        pages.MapPost("/models/{name}/versions/{version}/tags/delete", (string name, string version, HttpContext context, RegistryService registry, CancellationToken ct) =>
            ApplyAsync(context, VersionUrl(name, version), form => registry.DeleteModelVersionTagAsync(name, version, form["key"].ToString(), ct), ct));
    }

    private static async Task<IResult> ApplyAsync(HttpContext context, string returnUrl, Func<IFormCollection, Task> apply, CancellationToken ct)
    {
        if (!context.Request.HasFormContentType || !await UiForms.IsValidAsync(context))
        {
            return UiForms.Rejected();
        }
        await apply(await context.Request.ReadFormAsync(ct));
        return TypedResults.Redirect(returnUrl, permanent: false, preserveMethod: false);
    }

    // Browsers submit a textarea's line breaks as CRLF; stored descriptions use LF like every other client's.
    private static string Description(IFormCollection form) => form["description"].ToString().ReplaceLineEndings("\n");

    private static string Trimmed(Microsoft.Extensions.Primitives.StringValues value) => value.ToString().Trim();

    // The service validates the version; the URL only needs it escaped.
    private static string VersionUrl(string name, string version) => RegistryUrls.Model(name) + "/versions/" + Uri.EscapeDataString(version);
}
