using Keel.Core.Artifacts;
using Keel.Core.Data;
using Keel.Core.Datasets;
using Keel.Core.Deployments;
using Keel.Core.Lineage;
using Keel.Core.Monitoring;
using Keel.Core.Monitoring.Monitors;
using Keel.Core.Registry;
using Keel.Monitoring.PredictionLogs;
using Keel.Monitoring.Scheduling;
using Keel.Monitoring.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Keel.Monitoring.Runner;

/// <summary>Settings of monitoring in the tracking server.</summary>
public sealed class MonitoringOptions
{
    /// <summary>Run scheduled monitors in this process [default: true]; turn off on replicas that should only answer requests.</summary>
    public bool RunScheduler { get; init; } = true;

    /// <summary>Alert webhook delivery (private targets are refused unless allowed).</summary>
    public WebhookOptions Webhooks { get; init; } = new();

    /// <summary>The scheduler's settings.</summary>
    public MonitorSchedulerOptions Scheduler { get; init; } = new();
}

/// <summary>Registers monitors in a host that already registered Keel's stores, registry, lineage and model URI resolution.</summary>
public static class MonitoringServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="MonitorService"/>, <see cref="MonitorRunner"/>, the prediction log, webhooks and, unless
    /// <see cref="MonitoringOptions.RunScheduler"/> is off, the <see cref="MonitorScheduler"/> as a hosted service.
    /// Every <see cref="IMonitorResultObserver"/> registered hears about each stored result.
    /// </summary>
    public static IServiceCollection AddKeelMonitors(this IServiceCollection services, MonitoringOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddKeelWebhooks(options.Webhooks);
        services.TryAddSingleton(sp => new PredictionLogStore(sp.GetRequiredService<IArtifactStore>()));
        services.TryAddSingleton<ICronSchedule, CronosSchedule>();
        services.TryAddSingleton<IWebhookPolicy>(sp => new WebhookTargetPolicy(sp.GetRequiredService<WebhookOptions>()));
        services.TryAddSingleton(sp => new MonitorService(
            sp.GetRequiredService<IMonitorStore>(), sp.GetRequiredService<ICronSchedule>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IWebhookPolicy>()));
        services.TryAddSingleton(sp => new DatasetTableReader(sp.GetRequiredService<DataObjectStore>()));
        services.TryAddSingleton(sp => new ReferenceResolver(
            sp.GetRequiredService<IDeploymentStore>(), sp.GetRequiredService<RegistryService>(), sp.GetRequiredService<ModelUriResolver>(),
            sp.GetRequiredService<LineageService>(), sp.GetRequiredService<IDatasetStore>(), sp.GetRequiredService<DatasetTableReader>(),
            sp.GetRequiredService<PredictionLogStore>()));
        services.TryAddSingleton(sp => new MonitorRunner(
            sp.GetRequiredService<IMonitorStore>(), sp.GetRequiredService<PredictionLogStore>(), sp.GetRequiredService<ReferenceResolver>(),
            sp.GetRequiredService<WebhookNotifier>(), sp.GetServices<IMonitorResultObserver>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<MonitorRunner>>()));
        services.TryAddSingleton(options.Scheduler);
        services.TryAddSingleton(sp => new MonitorScheduler(
            sp.GetRequiredService<IMonitorStore>(), sp.GetRequiredService<MonitorRunner>(), sp.GetRequiredService<ICronSchedule>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<MonitorSchedulerOptions>(), sp.GetService<ILogger<MonitorScheduler>>()));
        if (options.RunScheduler)
        {
            services.AddHostedService(sp => sp.GetRequiredService<MonitorScheduler>());
        }
        return services;
    }
}

/// <summary>The server's webhook rules (<see cref="WebhookTargets.ValidateUrl"/>) as the monitor service's policy.</summary>
internal sealed class WebhookTargetPolicy(WebhookOptions options) : IWebhookPolicy
{
    public void Validate(Uri url, string field) => WebhookTargets.ValidateUrl(url, field, options.AllowPrivateTargets);
}
