using System.Diagnostics;
using System.Reflection;
using Grpc.Core;
using Keel.Core.Common;
using Keel.Core.Serving;
using Keel.Serving.Grpc.Protocol;
using Keel.Serving.Metrics;
using Keel.Serving.Runtime;
using Microsoft.Extensions.Logging;
using TensorMetadata = Keel.Serving.Grpc.Protocol.ModelMetadataResponse.Types.TensorMetadata;

namespace Keel.Serving.Grpc;

/// <summary>
/// The Open Inference Protocol's gRPC service over the served model. Errors are gRPC statuses: bad input
/// INVALID_ARGUMENT naming the tensor, another model or version NOT_FOUND, no version loaded yet UNAVAILABLE.
/// </summary>
internal sealed partial class OipGrpcService(IModelScorer scorer, ILogger<OipGrpcService> logger, ServingMetrics? metrics = null)
    : GRPCInferenceService.GRPCInferenceServiceBase
{
    /// <summary>The response header naming the version that answered a ModelInfer call.</summary>
    public const string ModelVersionHeader = "keel-model-version";

    private static readonly string ServerVersion =
        typeof(OipGrpcService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(OipGrpcService).Assembly.GetName().Version?.ToString() ?? "unknown";

    private const string Protocol = "oip_grpc";

    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = scorer.Current is not null });

    // Before the first version loads the server cannot tell which model it will serve, so any name is "not
    // ready" rather than NOT_FOUND; once loaded, another name or version is NOT_FOUND, as for metadata and infer.
    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context) => Guard(context, () =>
    {
        var current = scorer.Current;
        if (current is not null)
        {
            Resolve(current, request.Name, request.Version);
        }

        return Task.FromResult(new ModelReadyResponse { Ready = current is not null });
    });

    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerMetadataResponse { Name = "keel", Version = ServerVersion });

    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context) => Guard(context, () =>
    {
        var current = Resolve(RequireCurrent(), request.Name, request.Version);
        var response = new ModelMetadataResponse { Name = current.ModelName, Platform = current.Flavor };
        response.Versions.Add(current.Version);
        response.Inputs.AddRange(current.Inputs.Select(Describe));
        response.Outputs.AddRange(current.Outputs.Select(Describe));
        return Task.FromResult(response);
    });

    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await Infer(request, context);
            metrics?.OnRequest(response.ModelName, response.ModelVersion, Protocol, nameof(StatusCode.OK), Stopwatch.GetElapsedTime(started));
            return response;
        }
        catch (RpcException e)
        {
            var served = scorer.Current;
            metrics?.OnRequest(served?.ModelName ?? "", served?.Version ?? "", Protocol, e.StatusCode.ToString(), Stopwatch.GetElapsedTime(started));
            metrics?.OnError(served?.ModelName ?? "", served?.Version ?? "", Protocol, ErrorKind(e.StatusCode));
            throw;
        }
    }

    private static string ErrorKind(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument => "bad_request",
        StatusCode.NotFound => "not_found",
        StatusCode.Unavailable => "not_ready",
        StatusCode.Cancelled => "cancelled",
        _ => "internal",
    };

    private Task<ModelInferResponse> Infer(ModelInferRequest request, ServerCallContext context) => Guard(context, async () =>
    {
        var current = Resolve(RequireCurrent(), request.ModelName, request.ModelVersion);
        var requested = RequestedOutputs(request, current.Outputs.Select(c => c.Name).ToList());
        var batch = OipInputReader.Read(request, current.Inputs);
        var result = await scorer.ScoreAsync(batch, context.CancellationToken);

        // Hot reload may have swapped versions while the request waited; the response names the one that answered.
        var response = new ModelInferResponse { ModelName = result.Version.ModelName, ModelVersion = result.Version.Version, Id = request.Id };
        var raw = request.RawInputContents.Count > 0;
        foreach (var name in requested ?? result.Outputs.Columns.Select(c => c.Name))
        {
            var column = result.Outputs.Find(name)
                ?? throw KeelException.InvalidParameter($"Version {result.Version.Version} of the model returns no output '{name}'.");
            OipTensorEncoding.AddOutput(response, column, raw);
        }

        await context.WriteResponseHeadersAsync(new Metadata { { ModelVersionHeader, result.Version.Version } });
        return response;
    });

    private static TensorMetadata Describe(Core.Models.ColumnSchema column)
    {
        var tensor = new TensorMetadata { Name = column.Name, Datatype = OipDataTypes.Of(column.Type) };
        tensor.Shape.Add(-1);
        tensor.Shape.AddRange(column.RowShape.Select(d => (long)d));
        return tensor;
    }

    private ServedVersion RequireCurrent() => scorer.Current
        ?? throw new RpcException(new Status(StatusCode.Unavailable, "No model version has loaded yet; retry when ServerReady answers true."));

    private static ServedVersion Resolve(ServedVersion current, string name, string version)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw KeelException.InvalidParameter($"The request names no model; this server serves '{current.ModelName}'.");
        }

        if (!string.Equals(name, current.ModelName, StringComparison.Ordinal))
        {
            throw KeelException.NotFound($"Model '{name}' is not served here; this server serves '{current.ModelName}'.");
        }

        if (version.Length > 0 && !string.Equals(version, current.Version, StringComparison.Ordinal))
        {
            throw KeelException.NotFound($"Version '{version}' of model '{name}' is not served here; this server serves version {current.Version}.");
        }

        return current;
    }

    // Null means every output, in the model's order.
    private static List<string>? RequestedOutputs(ModelInferRequest request, List<string> outputs)
    {
        if (request.Outputs.Count == 0)
        {
            return null;
        }

        var names = request.Outputs.Select(o => o.Name).ToList();
        var unknown = names.FirstOrDefault(n => !outputs.Contains(n, StringComparer.Ordinal));
        if (unknown is not null)
        {
            throw KeelException.InvalidParameter(
                $"The model has no output '{unknown}'; it returns {string.Join(", ", outputs.Select(o => $"'{o}'"))}.");
        }

        var twice = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return twice is null ? names : throw KeelException.InvalidParameter($"Output '{twice.Key}' is requested twice.");
    }

    // One place turns every failure into a status, so no call ends in gRPC's bare "Exception was thrown by handler".
    private async Task<T> Guard<T>(ServerCallContext context, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RpcException)
        {
            throw;
        }
        catch (KeelException e)
        {
            throw new RpcException(new Status(StatusOf(e.Code), e.Message));
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Cancelled, "The call was cancelled."));
        }
#pragma warning disable CA1031 // The last resort: whatever a runtime throws becomes INTERNAL, logged with its stack.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogFailure(logger, context.Method, e);
            throw new RpcException(new Status(StatusCode.Internal, "The server failed to answer the call; its log has the details."));
        }
    }

    private static StatusCode StatusOf(ErrorCode code) => code switch
    {
        ErrorCode.InvalidParameterValue or ErrorCode.BadRequest => StatusCode.InvalidArgument,
        ErrorCode.ResourceDoesNotExist => StatusCode.NotFound,
        ErrorCode.ResourceAlreadyExists => StatusCode.AlreadyExists,
        ErrorCode.InvalidState => StatusCode.Unavailable,
        _ => StatusCode.Internal,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Open Inference Protocol call {Method} failed")]
    private static partial void LogFailure(ILogger logger, string method, Exception exception);
}
