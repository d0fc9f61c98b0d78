using Keel.Core.Tracking;
using Keel.Server.Artifacts;
using Keel.Server.Errors;
using Keel.Server.Health;
using Keel.Server.KeelApi;
using Keel.Server.Registry;
using Keel.Server.Tracking;
using Keel.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Keel.Server;

/// <summary>Builds the tracking server. Storage is supplied by the caller, so the server never references it.</summary>
public static class KeelServerHost
{
    public static WebApplication Create(KeelServerOptions options, Action<IServiceCollection> addStorage)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://{options.Host}:{options.Port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        addStorage(builder.Services);
        builder.Services.AddKeelTracking();
        builder.Services.AddKeelRegistry();
        builder.Services.AddKeelArtifacts();
        builder.Services.AddKeelApi();
        builder.Services.AddKeelMonitoring(options);
        builder.Services.AddKeelPipelines(options);
        builder.Services.AddKeelWeb();

        var app = builder.Build();
        app.UseMlflowErrors();
        app.MapTrackingEndpoints();
        app.MapRegistryEndpoints();
        app.MapArtifactEndpoints();
        app.MapKeelApiEndpoints();
        app.MapHealthEndpoints();
        app.MapKeelWeb();
        // "{*path}", not the default pattern, so paths that look like file names get the JSON error too.
        app.MapFallback("{*path}", MlflowErrors.EndpointNotFound);
        return app;
    }

    /// <summary>The address Kestrel actually bound (useful with port 0).</summary>
    public static Uri BoundAddress(this WebApplication app)
    {
        var address = app.Urls.First();
        return new Uri(address.EndsWith('/') ? address : address + "/");
    }
}
