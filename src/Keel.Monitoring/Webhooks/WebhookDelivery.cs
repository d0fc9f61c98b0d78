namespace Keel.Monitoring.Webhooks;

/// <summary>How one delivery of an alert event to one webhook ended.</summary>
public enum WebhookOutcome
{
    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>Every attempt failed, the receiver refused it (4xx, a redirect), or the time ran out.</summary>
    Failed,

    /// <summary>The target is not allowed (non-public address, bad URL); nothing was sent and it is not retried.</summary>
    Refused,
}

/// <summary>The result of sending one alert event to one webhook.</summary>
/// <param name="Target">The webhook's origin (scheme, host, port): paths and queries often hold secrets, so they are left out.</param>
/// <param name="EventId">The event's id, also sent as <c>X-Keel-Event-Id</c>.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Attempts">Requests sent (0 when refused before connecting).</param>
/// <param name="StatusCode">The last HTTP status received, if any.</param>
/// <param name="Error">Why it failed or was refused (one sentence), or null when delivered.</param>
public sealed record WebhookDelivery(string Target, string EventId, WebhookOutcome Outcome, int Attempts, int? StatusCode, string? Error);
