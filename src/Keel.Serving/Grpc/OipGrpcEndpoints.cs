using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Serving.Grpc;

/// <summary>
/// The Open Inference Protocol v2 over gRPC (<c>inference.GRPCInferenceService</c>): ServerLive, ServerReady,
/// ModelReady, ServerMetadata, ModelMetadata and ModelInfer over the registered <see cref="Runtime.IModelScorer"/>.
/// gRPC needs HTTP/2; map it on a Kestrel endpoint whose protocols include <c>Http2</c> (cleartext HTTP/2 needs
/// an HTTP/2-only endpoint).
/// </summary>
public static class OipGrpcEndpoints
{
    /// <summary>Adds gRPC and the protocol's service; the host registers the <see cref="Runtime.IModelScorer"/>.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="maxMessageBytes">Largest request message accepted (gRPC's own default is 4 MiB); null keeps the default.</param>
    public static IServiceCollection AddOipGrpc(this IServiceCollection services, int? maxMessageBytes = null)
    {
        services.AddGrpc(options =>
        {
            if (maxMessageBytes is { } limit)
            {
                options.MaxReceiveMessageSize = limit;
            }
        });
        return services;
    }

    /// <summary>Maps <c>inference.GRPCInferenceService</c>; calls it does not implement answer UNIMPLEMENTED.</summary>
    public static IEndpointRouteBuilder MapOipGrpc(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<OipGrpcService>();
        return endpoints;
    }
}
