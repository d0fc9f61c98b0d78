using Keel.Core.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Keel.Server.Health;

/// <summary>Liveness (the process answers) and readiness (the metadata store answers) for load balancers.</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => Results.Text("ok"));
        app.MapGet("/health/ready", async (ITrackingStore store, CancellationToken ct) =>
            await store.GetExperimentAsync("0", ct) is not null
                ? Results.Text("ok")
                : Results.Text("metadata store has no default experiment", statusCode: StatusCodes.Status503ServiceUnavailable));
        // MLflow clients and load balancers probe /health as well.
        app.MapGet("/health", () => Results.Text("OK"));
        return app;
    }
}
