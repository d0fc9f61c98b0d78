using System.Net;
using Keel.Serving.Grpc;
using Keel.Serving.Http;
using Keel.Serving.Metrics;
using Keel.Serving.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Keel.Serving;

/// <summary>The addresses a serving host bound (with the real ports when 0 was asked for).</summary>
/// <param name="Rest">HTTP/1.1: MLflow's <c>/invocations</c>, the Open Inference Protocol's REST API and <c>/metrics</c>.</param>
/// <param name="Grpc">HTTP/2 cleartext for the Open Inference Protocol's gRPC API; null when gRPC is off.</param>
public sealed record ServingAddresses(Uri Rest, Uri? Grpc);

/// <summary>Builds the serving host around a scorer; the model, its runtime and its reloads are the caller's.</summary>
public static class KeelServingHost
{
    /// <summary>
    /// A web application serving <paramref name="scorer"/> on <see cref="ServingOptions.Host"/>: REST on
    /// <see cref="ServingOptions.Port"/>, gRPC on <see cref="ServingOptions.GrpcPort"/> unless it is null.
    /// </summary>
    /// <param name="options">Where to listen and the largest request body accepted.</param>
    /// <param name="scorer">What every protocol scores with.</param>
    /// <param name="metrics">The metrics to count into and export on <c>/metrics</c>; pass the same instance to the model host as its batch observer. A fresh one when null.</param>
    /// <param name="configureServices">Extra services (logging providers, test doubles).</param>
    public static WebApplication Create(
        ServingOptions options, IModelScorer scorer, ServingMetrics? metrics = null, Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(scorer);
        var endpoints = new ListenEndpoints();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes;
            var address = BindAddress(options.Host);
            kestrel.Listen(address, options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                endpoints.Rest = listen;
            });
            if (options.GrpcPort is { } grpcPort)
            {
                // gRPC needs HTTP/2; without TLS there is no ALPN, so the port speaks HTTP/2 only (prior knowledge).
                kestrel.Listen(address, grpcPort, listen =>
                {
                    listen.Protocols = HttpProtocols.Http2;
                    endpoints.Grpc = listen;
                });
            }
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(scorer);
        builder.Services.AddSingleton(metrics ?? new ServingMetrics());
        builder.Services.AddSingleton(endpoints);
        builder.Services.AddSingleton<ScoringPipeline>();
        if (options.GrpcPort is not null)
        {
            builder.Services.AddOipGrpc((int)Math.Min(options.MaxRequestBytes, int.MaxValue));
        }

        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapMlflowScoringEndpoints();
        app.MapOipRestEndpoints();
        if (options.GrpcPort is not null)
        {
            app.MapOipGrpc();
        }

        app.MapMetrics("/metrics", app.Services.GetRequiredService<ServingMetrics>().Registry);
        app.MapFallback("{*path}", ServingErrors.EndpointNotFound);
        return app;
    }

    /// <summary>The addresses Kestrel bound; call after the application has started.</summary>
    public static ServingAddresses Addresses(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var endpoints = app.Services.GetRequiredService<ListenEndpoints>();
        var rest = endpoints.Rest ?? throw new InvalidOperationException("The serving host has not started.");
        return new ServingAddresses(UriOf(rest), endpoints.Grpc is { } grpc ? UriOf(grpc) : null);
    }

    // Kestrel replaces a listen option's endpoint with the bound one, so port 0 reads back as the real port.
    private static Uri UriOf(ListenOptions listen) => new($"http://{listen.IPEndPoint}/");

    private static IPAddress BindAddress(string host)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        // Like Kestrel with a host name in a URL: any name but localhost means every interface.
        return IPAddress.TryParse(host.Trim('[', ']'), out var address) ? address : IPAddress.IPv6Any;
    }

    internal sealed class ListenEndpoints
    {
        public ListenOptions? Rest { get; set; }

        public ListenOptions? Grpc { get; set; }
    }
}
