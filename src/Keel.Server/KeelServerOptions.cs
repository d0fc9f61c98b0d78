namespace Keel.Server;

/// <summary>Where the tracking server listens.</summary>
public sealed class KeelServerOptions
{
    /// <summary>Interface to bind; default loopback only.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one. Default 5000, as MLflow.</summary>
    public int Port { get; set; } = 5000;

    /// <summary>Run scheduled monitors in this process [default: true]; <c>keel server --no-monitor-scheduler</c> turns it off.</summary>
    public bool RunMonitorScheduler { get; set; } = true;

    /// <summary>Let alert webhooks reach loopback and private addresses [default: false]; <c>--allow-private-webhooks</c>.</summary>
    public bool AllowPrivateWebhooks { get; set; }
}
