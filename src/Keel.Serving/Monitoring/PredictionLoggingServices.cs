using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Keel.Serving.Monitoring;

/// <summary>Wires a <see cref="PredictionLogger"/> into a serving host (pass it to <see cref="KeelServingHost.Create"/>'s <c>configureServices</c>).</summary>
public static class PredictionLoggingServices
{
    /// <summary>
    /// Makes every protocol endpoint log through <paramref name="logger"/>, and the host flush it when it stops. The
    /// caller keeps ownership: give the same instance to <see cref="Routing.TrafficRouterOptions.PredictionLog"/> so
    /// shadow answers are logged too, and dispose it after the host.
    /// </summary>
    public static IServiceCollection AddPredictionLogger(this IServiceCollection services, PredictionLogger logger)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(logger);
        services.AddSingleton(logger);
        services.AddSingleton<IHostedService>(logger);
        return services;
    }
}
