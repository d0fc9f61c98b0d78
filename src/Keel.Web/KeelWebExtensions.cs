using Keel.Core.Artifacts;
using Keel.Core.Hosting;
using Keel.Core.Tracking;
using Keel.Web.Api;
using Keel.Web.Infrastructure;
using Keel.Web.Pages.Compare;
using Keel.Web.Pages.Datasets;
using Keel.Web.Pages.Deployments;
using Keel.Web.Pages.Experiments;
using Keel.Web.Pages.Monitoring;
using Keel.Web.Pages.Registry;
using Keel.Web.Pages.RunDetails;
using Keel.Web.Pages.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Keel.Web;

/// <summary>Adds Keel's web UI to a host: pages at <c>/</c>, page scripts' JSON under <c>/ui-api/</c>, files under <c>/static/</c>.</summary>
public static class KeelWebExtensions
{
    /// <summary>Registers the UI's services. The host registers the stores (and may register the Core services itself).</summary>
    public static IServiceCollection AddKeelWeb(this IServiceCollection services)
    {
        services.AddRazorComponents();
        // Keys live in the metadata database when the host has one, so every replica behind a load balancer accepts
        // the others' forms without sticky sessions; otherwise in memory. Never in the server's home directory.
        services.AddDataProtection().SetApplicationName("keel");
        services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((options, provider) =>
            options.XmlRepository = provider.GetService<IKeyRingStore>() is { } ring
                ? new KeyRingXmlRepository(ring, provider.GetService<TimeProvider>() ?? TimeProvider.System)
                : new InMemoryXmlRepository());
        // Data protection warns at every new key that it is stored unencrypted; that is the documented choice (the keys
        // sign form tokens only, and sit beside data they cannot add access to), so only its errors are worth showing.
        services.AddLogging(logging => logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "keel.antiforgery";
            o.FormFieldName = "__keel_antiforgery";
        });
        services.TryAddSingleton<TrackingService>();
        services.TryAddSingleton<ArtifactService>();
        services.AddSingleton(StaticAssets.Load());
        services.Configure<RouteOptions>(o => o.SetParameterPolicy<BrowserPageConstraint>(BrowserPageConstraint.Name));
        return services;
    }

    /// <summary>
    /// Maps the UI. Call before the host's fallback: unknown page URLs a browser asks for get an HTML 404, while API
    /// clients keep the host's own answer.
    /// </summary>
    public static WebApplication MapKeelWeb(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseUiSecurityHeaders();
        app.UseAntiforgery();

        var ui = app.MapGroup("").WithMetadata(UiEndpointMetadata.Instance);
        ui.MapStaticAssets();
        ui.MapUiApi();
        // JSON for other areas' scripts (errors stay the API's JSON): one Map…UiApi() line per area here.

        var pages = ui.MapGroup("").AddEndpointFilter(UiErrors.Filter);
        pages.MapGet("/", () => TypedResults.Redirect("/experiments"));
        pages.MapExperimentPages();
        pages.MapRunsTablePages();
        pages.MapRunPages();
        pages.MapComparePages();
        // Registry, datasets, deployments and monitoring pages: one Map…Pages() line per area here.
        pages.MapRegistryPages();
        pages.MapDatasetPages();
        pages.MapDeploymentPages();
        pages.MapMonitoringPages();

        // Above the host's "{*path}" fallback (order int.MaxValue), and only for browsers' page requests.
        pages.MapMethods($"{{**path:{BrowserPageConstraint.Name}}}", [HttpMethods.Get, HttpMethods.Head],
                (HttpContext context) => UiResults.NotFound($"There is no page at {context.Request.Path}."))
            .WithOrder(int.MaxValue - 1);
        return app;
    }
}
