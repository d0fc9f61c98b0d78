using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Keel.Core.Monitoring.Alerts;
using Keel.Monitoring.Webhooks;
using Microsoft.AspNetCore.Http;

namespace Keel.Monitoring.Tests.Webhooks;

public sealed class WebhookNotifierTests
{
    // Short backoff so retries cost milliseconds; the Retry-After test is the one that waits a real second.
    private static readonly WebhookOptions Loopback = new()
    {
        AllowPrivateTargets = true,
        Timeout = TimeSpan.FromSeconds(5),
        MaxAttempts = 4,
        RetryDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        TotalTimeout = TimeSpan.FromSeconds(20),
    };

    private static readonly WebhookOptions PublicOnly = new()
    {
        AllowPrivateTargets = false,
        MaxAttempts = 4,
        RetryDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
    };

    private readonly ListLogger<WebhookNotifier> _log = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AlertEvent Event(string? id = null, double value = 0.052) => new(
        id ?? Guid.NewGuid().ToString("N"), "churn-monitor", "churn", "errors", AlertKind.ErrorRate,
        "error rate 0.052 > 0.05 (52 of 1000 requests failed)", value, 0.05, new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero));

    private WebhookNotifier Notifier(WebhookOptions options) => new(options, _log);

    [Fact]
    public async Task SendAsync_Receiver200_PostsSnakeCaseJsonWithHeaders()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var notifier = Notifier(Loopback);
        var alert = Event("0123456789abcdef0123456789abcdef");

        var delivery = await notifier.SendAsync(receiver.Url("/hook?token=abc"), alert, Ct);

        Assert.Equal(new WebhookDelivery($"http://127.0.0.1:{receiver.Port}", alert.Id, WebhookOutcome.Delivered, 1, 200, null), delivery);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/hook?token=abc", request.PathAndQuery);
        Assert.Equal("application/json; charset=utf-8", request.Headers["Content-Type"]);
        Assert.Matches(@"^keel-monitor/\S+$", request.Headers["User-Agent"]);
        Assert.Equal(alert.Id, request.Headers["X-Keel-Event-Id"]);
        using var body = JsonDocument.Parse(request.Body);
        var fields = body.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString());
        Assert.Equal(new Dictionary<string, string>
        {
            ["id"] = alert.Id,
            ["monitor"] = "churn-monitor",
            ["deployment"] = "churn",
            ["rule"] = "errors",
            ["kind"] = "error_rate",
            ["message"] = "error rate 0.052 > 0.05 (52 of 1000 requests failed)",
            ["value"] = "0.052",
            ["threshold"] = "0.05",
            ["fired_at"] = "2025-03-04T05:06:07+00:00",
        }, fields);
        Assert.Empty(_log.Lines);
    }

    [Fact]
    public async Task SendAsync_InfiniteValue_SentAsNamedLiteral()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var notifier = Notifier(Loopback);

        var delivery = await notifier.SendAsync(receiver.Url(), Event(value: double.PositiveInfinity), Ct);

        Assert.Equal(WebhookOutcome.Delivered, delivery.Outcome);
        using var body = JsonDocument.Parse(Assert.Single(receiver.Requests).Body);
        Assert.Equal("Infinity", body.RootElement.GetProperty("value").GetString());
    }

    [Fact]
    public async Task SendAsync_500Then500Then200_DeliveredOnceAfterRetries()
    {
        await using var receiver = await WebhookReceiver.StartAsync((n, context) => WebhookReceiver.Status(context, n <= 2 ? 500 : 200));
        using var notifier = Notifier(Loopback);
        var alert = Event();

        var delivery = await notifier.SendAsync(receiver.Url(), alert, Ct);

        Assert.Equal(WebhookOutcome.Delivered, delivery.Outcome);
        Assert.Equal(3, delivery.Attempts);
        Assert.Equal(200, delivery.StatusCode);
        Assert.Equal(3, receiver.Requests.Count);
        // Every attempt carries the same id, so the receiver can tell a retry from a new alert.
        Assert.All(receiver.Requests, r => Assert.Equal(alert.Id, r.Headers["X-Keel-Event-Id"]));
        Assert.All(receiver.Requests, r => Assert.Equal(receiver.Requests[0].Body, r.Body));
    }

    [Fact]
    public async Task SendAsync_Always503_FailsAfterMaxAttemptsAndLogs()
    {
        await using var receiver = await WebhookReceiver.StartAsync((_, context) => WebhookReceiver.Status(context, 503));
        using var notifier = Notifier(Loopback);

        var delivery = await notifier.SendAsync(receiver.Url(), Event(), Ct);

        Assert.Equal(WebhookOutcome.Failed, delivery.Outcome);
        Assert.Equal(Loopback.MaxAttempts, delivery.Attempts);
        Assert.Equal(503, delivery.StatusCode);
        Assert.Equal(Loopback.MaxAttempts, receiver.Requests.Count);
        var line = Assert.Single(_log.Lines);
        Assert.Contains("failed after 4 attempt(s): the webhook answered 503", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    [InlineData(410)]
    public async Task SendAsync_ClientError_NotRetried(int status)
    {
        await using var receiver = await WebhookReceiver.StartAsync((_, context) => WebhookReceiver.Status(context, status));
        using var notifier = Notifier(Loopback);

        var delivery = await notifier.SendAsync(receiver.Url(), Event(), Ct);

        Assert.Equal(WebhookOutcome.Failed, delivery.Outcome);
        Assert.Equal(1, delivery.Attempts);
        Assert.Equal(status, delivery.StatusCode);
        Assert.Contains("not retried", delivery.Error, StringComparison.Ordinal);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task SendAsync_429WithRetryAfter_WaitsThatLongThenDelivers()
    {
        await using var receiver = await WebhookReceiver.StartAsync((n, context) =>
            n == 1 ? WebhookReceiver.Status(context, 429, retryAfterSeconds: 1) : WebhookReceiver.Status(context, 200));
        using var notifier = Notifier(Loopback);

        var delivery = await notifier.SendAsync(receiver.Url(), Event(), Ct);

        Assert.Equal(WebhookOutcome.Delivered, delivery.Outcome);
        Assert.Equal(2, delivery.Attempts);
        var requests = receiver.Requests;
        // The backoff alone would wait 10–50 ms; the receiver asked for a second.
        Assert.InRange(requests[1].At - requests[0].At, TimeSpan.FromMilliseconds(950), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task SendAsync_429WithRetryAfterBeyondCap_GivesUpWithoutWaiting()
    {
        await using var receiver = await WebhookReceiver.StartAsync((_, context) => WebhookReceiver.Status(context, 429, retryAfterSeconds: 3600));
        using var notifier = Notifier(Loopback);
        var watch = Stopwatch.StartNew();

        var delivery = await notifier.SendAsync(receiver.Url(), Event(), Ct);

        Assert.Equal(WebhookOutcome.Failed, delivery.Outcome);
        Assert.Equal(429, delivery.StatusCode);
        Assert.Single(receiver.Requests);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task SendAsync_AttemptTimesOut_RetriedAndDelivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync(async (n, context) =>
        {
            if (n == 1)
            {
                // Hang until the client gives up on the attempt.
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });
        using var notifier = Notifier(new WebhookOptions
        {
            AllowPrivateTargets = true,
            Timeout = TimeSpan.FromSeconds(1),
            RetryDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        });

        var delivery = await notifier.SendAsync(receiver.Url(), Event(), Ct);

        // The hung first attempt is abandoned and retried; on a loaded machine a slow second answer may itself time out,
        // so the delivery may take more than two attempts, each of which reached the receiver.
        Assert.Equal(WebhookOutcome.Delivered, delivery.Outcome);
        Assert.InRange(delivery.Attempts, 2, 5);
        Assert.Equal(delivery.Attempts, receiver.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_TotalTimeout_BoundsTheWholeDelivery()
    {
        await using var receiver = await WebhookReceiver.StartAsync(async (_, context) =>
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default));
        using var notifier = Notifier(new WebhookOptions
        {
            AllowPrivateTargets = true,
            Timeout = TimeSpan.FromSeconds(10),
            MaxAttempts = 5,
            TotalTimeout = TimeSpan.FromMilliseconds(400),
        });
        var watch = Stopwatch.StartNew();

        var delivery = await notifier.SendAsync(receiver.Url(), Event(), Ct);

        Assert.Equal(WebhookOutcome.Failed, delivery.Outcome);
        Assert.Contains("no answer within the time allowed", delivery.Error, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task SendAsync_ConnectionRefused_RetriedAsNetworkError()
    {
        using var notifier = Notifier(Loopback);

        var delivery = await notifier.SendAsync(new Uri($"http://127.0.0.1:{UnusedPort()}/hook"), Event(), Ct);

        Assert.Equal(WebhookOutcome.Failed, delivery.Outcome);
        Assert.Equal(Loopback.MaxAttempts, delivery.Attempts);
        Assert.Null(delivery.StatusCode);
    }

    [Fact]
    public async Task SendAsync_RedirectToAnotherTarget_NotFollowed()
    {
        await using var inner = await WebhookReceiver.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync((_, context) =>
        {
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = inner.Url("/internal-admin").ToString();
            return Task.CompletedTask;
        });
        using var notifier = Notifier(Loopback);

        var delivery = await notifier.SendAsync(receiver.Url(), Event(), Ct);

        Assert.Equal(WebhookOutcome.Failed, delivery.Outcome);
        Assert.Equal(307, delivery.StatusCode);
        Assert.Equal(1, delivery.Attempts);
        Assert.Contains("redirects are not followed", delivery.Error, StringComparison.Ordinal);
        Assert.Single(receiver.Requests);
        Assert.Equal(0, inner.Connections);
    }

    public static TheoryData<string> PrivateTargets() =>
    [
        "http://127.0.0.1:{port}/hook",
        "http://localhost:{port}/hook",
        "http://[::1]:{port6}/hook",
        "http://[::ffff:127.0.0.1]:{port}/hook",
        "http://0x7f.1:{port}/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/hook",
        "http://100.64.0.1/hook",
        "http://[fd00::1]/hook",
    ];

    [Theory]
    [MemberData(nameof(PrivateTargets))]
    public async Task SendAsync_PrivateTargetWhenNotAllowed_RefusedWithoutConnecting(string template)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var notifier = Notifier(PublicOnly);
        var url = new Uri(template.Replace("{port}", $"{receiver.Port}", StringComparison.Ordinal)
            .Replace("{port6}", $"{receiver.PortV6}", StringComparison.Ordinal));
        var watch = Stopwatch.StartNew();

        var delivery = await notifier.SendAsync(url, Event(), Ct);

        Assert.Equal(WebhookOutcome.Refused, delivery.Outcome);
        Assert.Equal(0, delivery.Attempts);
        Assert.Contains("webhooks may only reach public addresses", delivery.Error, StringComparison.Ordinal);
        Assert.Equal(0, receiver.Connections);
        Assert.Empty(receiver.Requests);
        // Not retried: a refusal is immediate, with no backoff and no network wait.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task SendAsync_NameResolvingToLoopback_RefusedNamingTheAddress()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var notifier = Notifier(PublicOnly);

        var delivery = await notifier.SendAsync(new Uri($"http://localhost:{receiver.Port}/hook"), Event(), Ct);

        Assert.Equal(WebhookOutcome.Refused, delivery.Outcome);
        Assert.Matches("^'localhost' resolves to (127\\.0\\.0\\.1|::1), a loopback address", delivery.Error);
        Assert.Equal(0, receiver.Connections);
    }

    [Fact]
    public async Task SendAsync_Refused_LoggedWithoutSecretsAndCounted()
    {
        using var notifier = Notifier(PublicOnly);
        var counted = new List<(long Value, string Outcome, string Monitor)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, notifier.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var t = tags.ToArray().ToDictionary(x => x.Key, x => x.Value?.ToString());
            counted.Add((value, t["outcome"]!, t["monitor"]!));
        });
        listener.Start();

        var delivery = await notifier.SendAsync(new Uri("http://169.254.169.254/latest/meta-data/?token=s3cret"), Event(), Ct);

        Assert.Equal(WebhookOutcome.Refused, delivery.Outcome);
        Assert.Equal([(1L, "refused", "churn-monitor")], counted);
        var line = Assert.Single(_log.Lines);
        Assert.StartsWith("Warning: ", line, StringComparison.Ordinal);
        Assert.Contains("webhook http://169.254.169.254 refused", line, StringComparison.Ordinal);
        Assert.Contains("169.254.169.254 is a link-local address", line, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", line, StringComparison.Ordinal);
        Assert.DoesNotContain("meta-data", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://example.com/hook")]
    [InlineData("http://user:pass@example.com/hook")]
    public async Task SendAsync_MalformedTarget_RefusedBeforeAnyRequest(string url)
    {
        using var notifier = Notifier(Loopback);

        var delivery = await notifier.SendAsync(new Uri(url), Event(), Ct);

        Assert.Equal(WebhookOutcome.Refused, delivery.Outcome);
        Assert.Equal(0, delivery.Attempts);
    }

    [Fact]
    public async Task NotifyAsync_EveryEventToEveryWebhook_InOrder_DespiteOneRefusedAndOneFailing()
    {
        await using var good = await WebhookReceiver.StartAsync();
        await using var broken = await WebhookReceiver.StartAsync((_, context) => WebhookReceiver.Status(context, 404));
        using var notifier = Notifier(Loopback);
        AlertEvent[] events = [Event("a"), Event("b"), Event("c")];

        await notifier.NotifyAsync([new Uri("gopher://example.com/"), broken.Url(), good.Url()], events, Ct);

        Assert.Equal(["a", "b", "c"], good.Requests.Select(r => r.Headers["X-Keel-Event-Id"]));
        Assert.Equal(3, broken.Requests.Count);
        Assert.Equal(6, _log.Lines.Count);
    }

    [Fact]
    public async Task NotifyAsync_NothingToSend_DoesNothing()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var notifier = Notifier(Loopback);

        await notifier.NotifyAsync([receiver.Url()], [], Ct);
        await notifier.NotifyAsync([], [Event()], Ct);

        Assert.Equal(0, receiver.Connections);
    }

    [Fact]
    public async Task NotifyAsync_Cancelled_ThrowsOperationCanceled()
    {
        await using var receiver = await WebhookReceiver.StartAsync(async (_, context) =>
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default));
        using var notifier = Notifier(Loopback);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => notifier.NotifyAsync([receiver.Url()], [Event()], cancel.Token));
        Assert.Single(receiver.Requests);
    }

    [Theory]
    [InlineData(0, 10_000)]
    [InlineData(21, 10_000)]
    [InlineData(3, 0)]
    public void Constructor_OptionsOutOfRange_Throws(int attempts, int timeoutMs) =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Notifier(new WebhookOptions { MaxAttempts = attempts, Timeout = TimeSpan.FromMilliseconds(timeoutMs) }));

    private static int UnusedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
