using System.Globalization;
using Keel.Contracts.KeelApi;

namespace Keel.Client;

// Monitoring reports of a Keel tracking server (GET /api/keel/v1/deployments/{name}/monitor-report).
public sealed partial class KeelClient
{
    /// <summary>
    /// Downloads a deployment's monitoring report, built from its monitors' stored results, into
    /// <paramref name="destination"/>: a self-contained HTML page (plots inline, works offline) or the same data as JSON.
    /// </summary>
    /// <param name="deployment">The deployment.</param>
    /// <param name="since">Start of the range (inclusive) [default: 7 days before <paramref name="until"/>].</param>
    /// <param name="until">End of the range (exclusive) [default: now on the server].</param>
    /// <param name="format"><c>html</c> or <c>json</c>.</param>
    /// <param name="destination">Where the bytes go; written from its current position and not closed.</param>
    /// <param name="monitor">One monitor of the deployment [default: every monitor of it].</param>
    /// <param name="ct">Cancels the download.</param>
    /// <exception cref="KeelApiException"><c>INVALID_PARAMETER_VALUE</c> naming the parameter for a bad format or range.</exception>
    public async Task DownloadMonitorReportAsync(
        string deployment, DateTimeOffset? since, DateTimeOffset? until, string format, Stream destination, string? monitor = null,
        CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deployment);
        ArgumentException.ThrowIfNullOrWhiteSpace(format);
        ArgumentNullException.ThrowIfNull(destination);
        var uri = KeelUri(KeelRoutes.Deployments + "/" + Uri.EscapeDataString(deployment) + "/monitor-report" + Internal.MlflowTransport.Query(
            [new("since", Iso(since)), new("until", Iso(until)), new("monitor", monitor), new("format", format)]));
        using var response = await _transport.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, uri), HttpCompletionOption.ResponseHeadersRead, ct)
            .ConfigureAwait(false);
        var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            await body.CopyToAsync(destination, ct).ConfigureAwait(false);
        }
    }

    private static string? Iso(DateTimeOffset? at) =>
        at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
