namespace Keel.Monitoring.Webhooks;

/// <summary>How alert webhooks are delivered. The defaults suit production; tests shorten the delays.</summary>
public sealed class WebhookOptions
{
    /// <summary>
    /// Allow targets on loopback, private, link-local, CGNAT and other non-public addresses. Off by default, so a
    /// monitor's webhook cannot be used to reach the server's own network (SSRF). Turn on only when the receivers
    /// are internal services the operator trusts.
    /// </summary>
    public bool AllowPrivateTargets { get; init; }

    /// <summary>Limit for one attempt, connecting included (default 10 s; at least 10 ms).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts per event and webhook, the first included (default 5; 1 disables retries; at most 20).</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Base of the exponential backoff between attempts, with jitter (default 2 s).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest wait between two attempts from the backoff (default 30 s).</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest <c>Retry-After</c> honoured (default 60 s). A receiver asking for a longer wait ends the delivery as
    /// failed rather than holding it open.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Limit for one delivery of one event to one webhook, every attempt and wait included (default 2 min).</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromMinutes(2);

    internal void Validate()
    {
        Between(Timeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1), nameof(Timeout));
        Between(TotalTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(24), nameof(TotalTimeout));
        Between(RetryDelay, TimeSpan.Zero, TimeSpan.FromHours(1), nameof(RetryDelay));
        Between(MaxRetryDelay, TimeSpan.Zero, TimeSpan.FromHours(1), nameof(MaxRetryDelay));
        Between(MaxRetryAfter, TimeSpan.Zero, TimeSpan.FromHours(1), nameof(MaxRetryAfter));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1, nameof(MaxAttempts));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxAttempts, 20, nameof(MaxAttempts));
    }

    private static void Between(TimeSpan value, TimeSpan min, TimeSpan max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be between {min} and {max}.");
        }
    }
}
