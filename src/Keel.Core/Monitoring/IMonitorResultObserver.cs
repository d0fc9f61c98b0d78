namespace Keel.Core.Monitoring;

/// <summary>
/// Hears about every monitor result once it is stored (e.g. the tracking server's Prometheus gauges). Called on the
/// runner's thread; implementations must be quick and must not throw.
/// </summary>
public interface IMonitorResultObserver
{
    void OnResult(MonitorRunResult result);

    /// <summary>The monitor was deleted: forget what is known of it.</summary>
    void OnDeleted(string monitor);
}
