using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Keel.Monitoring.Webhooks;

/// <summary>Registers alert webhook delivery.</summary>
public static class WebhookServiceCollectionExtensions
{
    /// <summary>
    /// Registers <paramref name="options"/> (so monitor creation can read <see cref="WebhookOptions.AllowPrivateTargets"/>)
    /// and one <see cref="WebhookNotifier"/> singleton, using the container's <see cref="TimeProvider"/>, logger and
    /// <see cref="IMeterFactory"/> when registered.
    /// </summary>
    public static IServiceCollection AddKeelWebhooks(this IServiceCollection services, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddSingleton(options);
        services.TryAddSingleton(sp => new WebhookNotifier(
            sp.GetRequiredService<WebhookOptions>(),
            sp.GetService<ILogger<WebhookNotifier>>() ?? NullLogger<WebhookNotifier>.Instance,
            sp.GetService<TimeProvider>(),
            sp.GetService<IMeterFactory>()));
        return services;
    }
}
