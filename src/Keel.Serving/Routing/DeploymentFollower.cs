using Keel.Client;
using Keel.Contracts.KeelApi;
using Keel.Core.Deployments;
using Microsoft.Extensions.Logging;

namespace Keel.Serving.Routing;

/// <summary>
/// Keeps a <see cref="TrafficRouter"/> on the newest revision of a deployment the tracking server holds, so
/// <c>keel deploy update</c> and <c>keel deploy rollback</c> reach a running <c>keel serve --deployment-name</c>.
/// A revision that cannot be applied (a route that fails to load) is logged and retried; the old one keeps serving.
/// </summary>
public sealed partial class DeploymentFollower : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private DeploymentFollower(KeelClient client, TrafficRouter router, string name, long revision, TimeSpan interval, TimeProvider time, ILogger? logger)
    {
        Revision = revision;
        _loop = FollowAsync(client, router, name, interval, time, logger, _stop.Token);
    }

    /// <summary>The revision the router serves.</summary>
    public long Revision { get; private set; }

    /// <summary>Fetches a deployment from the server as a spec the router takes.</summary>
    public static async Task<(DeploymentSpec Spec, long Revision)> FetchAsync(KeelClient client, string name, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        var deployment = await client.GetDeploymentAsync(name, ct).ConfigureAwait(false);
        return (ToSpec(deployment), deployment.Revision);
    }

    /// <summary>Starts following <paramref name="name"/> from <paramref name="revision"/>, checking every <paramref name="interval"/>.</summary>
    public static DeploymentFollower Start(
        KeelClient client, TrafficRouter router, string name, long revision, TimeSpan interval, TimeProvider? time = null, ILogger? logger = null) =>
        new(client, router, name, revision, interval, time ?? TimeProvider.System, logger);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping is the expected end of the loop.
        }

        _stop.Dispose();
    }

    internal static DeploymentSpec ToSpec(DeploymentDto deployment) => new(
        deployment.Name,
        [.. deployment.Spec.Routes.Select(r => new TrafficRoute(r.Name ?? "", r.ModelUri ?? "", r.Weight ?? 0))],
        [.. deployment.Spec.Shadows.Select(s => new ShadowRoute(s.Name ?? "", s.ModelUri ?? ""))],
        deployment.Spec.StickyHeader);

    private async Task FollowAsync(KeelClient client, TrafficRouter router, string name, TimeSpan interval, TimeProvider time, ILogger? logger, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            try
            {
                var (spec, revision) = await FetchAsync(client, name, ct).ConfigureAwait(false);
                if (revision != Revision)
                {
                    await router.UpdateAsync(spec, ct).ConfigureAwait(false);
                    Revision = revision;
                    if (logger is not null)
                    {
                        LogApplied(logger, name, revision);
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The current revision keeps serving; the next tick retries.
                if (logger is not null)
                {
                    LogFailed(logger, name, e);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deployment {Name} now serves revision {Revision}.")]
    private static partial void LogApplied(ILogger logger, string name, long revision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deployment {Name}: could not apply the newest revision; the current one keeps serving.")]
    private static partial void LogFailed(ILogger logger, string name, Exception error);
}
