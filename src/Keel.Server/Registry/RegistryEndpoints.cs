using Keel.Contracts.Mlflow;
using Keel.Core.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Registry;

/// <summary>Registers MLflow's model-registry API under both of MLflow's prefixes.</summary>
public static class RegistryEndpoints
{
    public static IServiceCollection AddKeelRegistry(this IServiceCollection services) =>
        services.AddSingleton<RegistryService>();

    public static IEndpointRouteBuilder MapRegistryEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in new[] { MlflowRoutes.ApiPrefix, MlflowRoutes.AjaxPrefix })
        {
            var group = app.MapGroup(prefix);
            group.MapRegisteredModelEndpoints();
            group.MapModelVersionEndpoints();
        }
        return app;
    }
}
