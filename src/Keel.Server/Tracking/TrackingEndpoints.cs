using Keel.Contracts.Mlflow;
using Keel.Core.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tracking;

/// <summary>Registers MLflow's tracking API under both of MLflow's prefixes.</summary>
public static class TrackingEndpoints
{
    public static IServiceCollection AddKeelTracking(this IServiceCollection services) =>
        services.AddSingleton<TrackingService>();

    public static IEndpointRouteBuilder MapTrackingEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in new[] { MlflowRoutes.ApiPrefix, MlflowRoutes.AjaxPrefix })
        {
            var group = app.MapGroup(prefix);
            group.MapExperimentEndpoints();
            group.MapRunEndpoints();
        }
        return app;
    }
}
