using System.Reflection;
using Keel.Core.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Keel.Server.Health;

/// <summary>Liveness (the process answers) and readiness (the metadata store answers) for load balancers.</summary>
public static class HealthEndpoints
{
    private static readonly string Version =
        typeof(HealthEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => Results.Text("ok"));
        app.MapGet("/health/ready", async (ITrackingStore store, CancellationToken ct) =>
            await store.GetExperimentAsync("0", ct) is not null
                ? Results.Text("ok")
                : Results.Text("metadata store has no default experiment", statusCode: StatusCodes.Status503ServiceUnavailable));
        // MLflow clients and load balancers probe /health and /version as MLflow serves them.
        app.MapGet("/health", () => Results.Text("OK"));
        app.MapGet("/version", () => Results.Text(Version));
        return app;
    }
}
