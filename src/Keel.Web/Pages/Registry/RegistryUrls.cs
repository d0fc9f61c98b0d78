using System.Globalization;
using Keel.Web.Infrastructure;

namespace Keel.Web.Pages.Registry;

/// <summary>The shareable URLs of registry, dataset, deployment and monitoring pages, names escaped once here.</summary>
public static class RegistryUrls
{
    public static string Models(string? search = null, string? pageToken = null) =>
        QueryStrings.Build("/models", ("q", search), ("page_token", pageToken));

    public static string Model(string name) => "/models/" + Uri.EscapeDataString(name);

    public static string Version(string name, long version) =>
        Model(name) + "/versions/" + version.ToString(CultureInfo.InvariantCulture);

    public static string Run(string runId) => "/runs/" + Uri.EscapeDataString(runId);

    public static string Dataset(string name) => "/datasets/" + Uri.EscapeDataString(name);

    public static string DatasetVersion(string name, long version) =>
        Dataset(name) + "/versions/" + version.ToString(CultureInfo.InvariantCulture);

    public static string DatasetDiff(string name, long a, long b) =>
        QueryStrings.Build(Dataset(name) + "/diff", ("a", a.ToString(CultureInfo.InvariantCulture)), ("b", b.ToString(CultureInfo.InvariantCulture)));

    public static string Deployment(string name) => "/deployments/" + Uri.EscapeDataString(name);

    public static string Monitor(string name) => "/monitoring/" + Uri.EscapeDataString(name);

    /// <summary>The monitor's self-contained HTML report, served by the API.</summary>
    public static string MonitorReport(string deployment, string monitor) =>
        QueryStrings.Build($"/api/keel/v1/deployments/{Uri.EscapeDataString(deployment)}/monitor-report", ("monitor", monitor));
}
