using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Reflection;
using Keel.Core.Monitoring.Alerts;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;

namespace Keel.Monitoring.Webhooks;

/// <summary>
/// Sends fired alerts to a monitor's webhooks: one JSON POST per event and webhook (see docs/security.md,
/// "Webhooks"), retried with backoff, only to public addresses unless <see cref="WebhookOptions.AllowPrivateTargets"/>.
/// Owns its <see cref="HttpClient"/>; register it once with <see cref="WebhookServiceCollectionExtensions.AddKeelWebhooks"/>.
/// </summary>
public sealed partial class WebhookNotifier : IDisposable
{
    /// <summary>The header carrying the event id, so a receiver can drop the duplicates retries may cause.</summary>
    public const string EventIdHeader = "X-Keel-Event-Id";

    /// <summary>The name of the <see cref="Meter"/> holding the <c>keel.monitoring.webhook.deliveries</c> counter.</summary>
    public const string MeterName = "Keel.Monitoring.Webhooks";

    private static readonly ProductInfoHeaderValue UserAgent = new("keel-monitor", Version());
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _http;
    private readonly WebhookOptions _options;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly ILogger _logger;
    private readonly Meter? _ownedMeter;
    private readonly Counter<long> _deliveries;

    /// <summary>Builds a notifier with its own guarded HTTP client.</summary>
    /// <param name="options">Delivery settings; validated here.</param>
    /// <param name="logger">Receives one warning per failed or refused delivery.</param>
    /// <param name="time">Clock for backoff and timeouts (default <see cref="TimeProvider.System"/>).</param>
    /// <param name="meters">Creates the deliveries counter's meter; without it the notifier owns one.</param>
    public WebhookNotifier(WebhookOptions options, ILogger<WebhookNotifier> logger, TimeProvider? time = null, IMeterFactory? meters = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _options = options;
        _logger = logger;
        // Attempt and total timeouts come from the pipeline, so the client's own is off.
        _http = new HttpClient(GuardedConnector.CreateHandler(options)) { Timeout = Timeout.InfiniteTimeSpan };
        _pipeline = WebhookRetry.Build(options, time ?? TimeProvider.System);
        var meter = meters?.Create(MeterName) ?? (_ownedMeter = new Meter(MeterName));
        Meter = meter;
        _deliveries = meter.CreateCounter<long>(
            "keel.monitoring.webhook.deliveries", "{delivery}",
            "Alert events sent to webhooks, by monitor and outcome (delivered, failed, refused).");
    }

    internal Meter Meter { get; }

    /// <summary>
    /// Sends every event to every webhook: webhooks in parallel, each one's events in order. Never throws for a
    /// failed delivery (each is logged and counted); only <paramref name="cancellationToken"/> ends it early.
    /// </summary>
    public async Task NotifyAsync(IReadOnlyList<Uri> webhooks, IReadOnlyList<AlertEvent> events, CancellationToken cancellationToken)
    {
        if (webhooks is not { Count: > 0 } || events is not { Count: > 0 })
        {
            return;
        }
        await Task.WhenAll(webhooks.Select(async webhook =>
        {
            foreach (var alert in events)
            {
                await SendAsync(webhook, alert, cancellationToken);
            }
        }));
    }

    /// <summary>
    /// Sends one event to one webhook and says how it ended. Never throws for a failed delivery; throws
    /// <see cref="OperationCanceledException"/> only when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async Task<WebhookDelivery> SendAsync(Uri webhook, AlertEvent alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        ArgumentNullException.ThrowIfNull(alert);
        var target = Origin(webhook);
        // Only the URL's shape here: addresses are judged where they are connected (GuardedConnector), the one
        // place that also sees what a name resolves to.
        var delivery = WebhookTargets.Problem(webhook, allowPrivate: true) is { } problem
            ? new WebhookDelivery(target, alert.Id, WebhookOutcome.Refused, 0, null, problem)
            : await PostAsync(webhook, target, alert, cancellationToken);
        _deliveries.Add(1,
            new KeyValuePair<string, object?>("monitor", alert.Monitor),
            new KeyValuePair<string, object?>("outcome", delivery.Outcome.ToString().ToLowerInvariant()));
        switch (delivery.Outcome)
        {
            case WebhookOutcome.Refused:
                LogRefused(alert.Id, alert.Monitor, target, delivery.Error);
                break;
            case WebhookOutcome.Failed:
                LogFailed(alert.Id, alert.Monitor, target, delivery.Attempts, delivery.Error);
                break;
        }
        return delivery;
    }

    /// <summary>Disposes the HTTP client (and the meter when the notifier created it).</summary>
    public void Dispose()
    {
        _http.Dispose();
        _ownedMeter?.Dispose();
    }

    private async Task<WebhookDelivery> PostAsync(Uri webhook, string target, AlertEvent alert, CancellationToken cancellationToken)
    {
        var body = WebhookPayload.Serialize(alert);
        var attempts = 0;
        try
        {
            using var response = await _pipeline.ExecuteAsync(async token =>
            {
                attempts++;
                using var request = Request(webhook, alert.Id, body);
                return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
            }, cancellationToken);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? new WebhookDelivery(target, alert.Id, WebhookOutcome.Delivered, attempts, status, null)
                : new WebhookDelivery(target, alert.Id, WebhookOutcome.Failed, attempts, status, Answered(response, attempts));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (WebhookRetry.IsRefused(e))
        {
            return new WebhookDelivery(target, alert.Id, WebhookOutcome.Refused, 0, null, Innermost<WebhookTargetRefusedException>(e)!.Message);
        }
        catch (TimeoutRejectedException)
        {
            return new WebhookDelivery(target, alert.Id, WebhookOutcome.Failed, attempts, null,
                $"no answer within the time allowed after {attempts} attempt(s) (attempt timeout {_options.Timeout}, total {_options.TotalTimeout}).");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            return new WebhookDelivery(target, alert.Id, WebhookOutcome.Failed, attempts, null,
                $"{Innermost<Exception>(e)!.Message} (after {attempts} attempt(s)).");
        }
    }

    private static HttpRequestMessage Request(Uri webhook, string eventId, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        // Exactly HTTP/1.1: HTTP/3 would connect over QUIC, past the guarded connect callback.
        var request = new HttpRequestMessage(HttpMethod.Post, webhook)
        {
            Content = content,
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.UserAgent.Add(UserAgent);
        request.Headers.Add(EventIdHeader, eventId);
        return request;
    }

    private static string Answered(HttpResponseMessage response, int attempts)
    {
        var status = (int)response.StatusCode;
        var why = status is >= 300 and < 400
            ? "redirects are not followed (the new location would be an unchecked target)"
            : status is >= 400 and < 500 && response.StatusCode != HttpStatusCode.TooManyRequests
                ? "not retried"
                : $"after {attempts} attempt(s)";
        return $"the webhook answered {status} {response.ReasonPhrase}; {why}.";
    }

    // Logs and counts name only the origin: webhook paths and queries often carry the receiver's secret.
    private static string Origin(Uri webhook) => webhook.IsAbsoluteUri ? webhook.GetLeftPart(UriPartial.Authority) : "(relative URL)";

    private static T? Innermost<T>(Exception e)
        where T : Exception
    {
        T? found = null;
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                found = match;
            }
        }
        return found;
    }

    private static string Version()
    {
        var version = typeof(WebhookNotifier).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {EventId} of monitor {Monitor}: webhook {Target} refused, nothing sent: {Reason}")]
    private partial void LogRefused(string eventId, string monitor, string target, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {EventId} of monitor {Monitor}: webhook {Target} failed after {Attempts} attempt(s): {Reason}")]
    private partial void LogFailed(string eventId, string monitor, string target, int attempts, string? reason);
}
