using System.Net;
using System.Net.Http;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Keel.Monitoring.Webhooks;

// Retries network errors, timed-out attempts, 5xx and 429 with exponential backoff and jitter (or the receiver's
// Retry-After); never other 4xx, redirects or refused targets. An outer timeout bounds the whole delivery.
internal static class WebhookRetry
{
    public static ResiliencePipeline<HttpResponseMessage> Build(WebhookOptions options, TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        builder.AddTimeout(options.TotalTimeout);
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, options, time, args.Context.CancellationToken)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, time)),
            });
        }
        // Inside the retry, so it bounds each attempt rather than the whole delivery.
        builder.AddTimeout(options.Timeout);
        return builder.Build();
    }

    public static bool IsRefused(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is WebhookTargetRefusedException)
            {
                return true;
            }
        }
        return false;
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, WebhookOptions options, TimeProvider time, CancellationToken cancellation)
    {
        if (outcome.Exception is { } exception)
        {
            return exception switch
            {
                _ when IsRefused(exception) => false,
                TimeoutRejectedException or HttpRequestException => true,
                OperationCanceledException => !cancellation.IsCancellationRequested,
                _ => false,
            };
        }
        var response = outcome.Result!;
        var status = (int)response.StatusCode;
        if (status < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
        {
            return false;
        }
        // A receiver asking for a longer pause than we wait for is not hammered, nor waited on past the cap.
        return RetryAfter(response, time) is not { } wait || wait <= options.MaxRetryAfter;
    }

    public static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider time)
    {
        var header = response?.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }
        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }
}
