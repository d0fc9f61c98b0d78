using Keel.Core.Common;
using Keel.Core.Tracking;
using Microsoft.AspNetCore.Http;

namespace Keel.Server.Health;

/// <summary>
/// <c>/health/ready</c>: 200 while the metadata store answers, 503 while it cannot be reached, so a load balancer
/// stops routing to a replica whose database is away and resumes by itself once it is back.
/// </summary>
internal static class ReadinessProbe
{
    /// <summary>Shorter than balancers' usual probe timeouts, so a hung database reads as "not ready", not as no answer.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public static async Task<IResult> CheckAsync(ITrackingStore store, TimeProvider time, CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            return await store.GetExperimentAsync("0", linked.Token) is not null
                ? Results.Text("ok")
                : NotReady("metadata store has no default experiment");
        }
        catch (StoreUnavailableException e)
        {
            return NotReady(e.Message);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return NotReady($"metadata store did not answer within {Timeout.TotalSeconds:0} s");
        }
    }

    private static IResult NotReady(string reason) =>
        Results.Text($"not ready: {reason}", statusCode: StatusCodes.Status503ServiceUnavailable);
}
