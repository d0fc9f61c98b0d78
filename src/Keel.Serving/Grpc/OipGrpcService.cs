using System.Diagnostics;
using System.Reflection;
using Grpc.Core;
using Keel.Core.Common;
using Keel.Core.Serving;
using Keel.Serving.Grpc.Protocol;
using Keel.Serving.Http;
using Keel.Serving.Metrics;
using Keel.Serving.Monitoring;
using Keel.Serving.Routing;
using Keel.Serving.Runtime;
using Microsoft.Extensions.Logging;
using TensorMetadata = Keel.Serving.Grpc.Protocol.ModelMetadataResponse.Types.TensorMetadata;

namespace Keel.Serving.Grpc;

/// <summary>
/// The Open Inference Protocol's gRPC service over the served model. Errors are gRPC statuses: bad input
/// INVALID_ARGUMENT naming the tensor, another model or version NOT_FOUND, no version loaded yet UNAVAILABLE.
/// </summary>
internal sealed partial class OipGrpcService(
    IModelScorer scorer, ILogger<OipGrpcService> logger, ServingMetrics? metrics = null, PredictionLogger? predictionLog = null)
    : GRPCInferenceService.GRPCInferenceServiceBase
{
    /// <summary>The first name of <c>x-keel-model-version</c>, still sent so clients reading it keep working.</summary>
    public const string ModelVersionHeader = "keel-model-version";

    // The REST headers' names: gRPC metadata keys are lower-case, so the same names read the same in both protocols.
    internal static readonly string ModelHeader = Lower(ScoringPipeline.ModelHeader);
    internal static readonly string VersionHeader = Lower(ScoringPipeline.VersionHeader);
    internal static readonly string RouteHeader = Lower(ScoringPipeline.RouteHeader);

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
    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context) => Guard(context, async () =>
    {
        var current = scorer.Current;
        if (current is not null)
        {
            if (string.IsNullOrEmpty(request.Name))
            {
                throw NoModelNamed(current);
            }
            var found = ServedModelLookup.Find(scorer, current, request.Name, request.Version);
            await WriteServedHeadersAsync(context, found.Version, found.Route);
        }

        return new ModelReadyResponse { Ready = current is not null };
    });

    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerMetadataResponse { Name = "keel", Version = ServerVersion });

    // A version is described by the route serving it, which behind a deployment need not be the heaviest route.
    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context) => Guard(context, async () =>
    {
        var found = Resolve(request.Name, request.Version);
        var served = found.Version;
        var response = new ModelMetadataResponse { Name = served.ModelName, Platform = served.Flavor };
        response.Versions.Add(served.Version);
        response.Inputs.AddRange(served.Inputs.Select(Describe));
        response.Outputs.AddRange(served.Outputs.Select(Describe));
        await WriteServedHeadersAsync(context, served, found.Route);
        return response;
    });

    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var logged = PredictionCapture.Begin(predictionLog, context.GetHttpContext(), scorer);
        var status = StatusCode.Unknown;
        try
        {
            var response = await Infer(request, context);
            status = StatusCode.OK;
            metrics?.OnRequest(response.ModelName, response.ModelVersion, Protocol, nameof(StatusCode.OK), Stopwatch.GetElapsedTime(started));
            return response;
        }
        catch (RpcException e)
        {
            status = e.StatusCode;
            var served = scorer.Current;
            metrics?.OnRequest(served?.ModelName ?? "", served?.Version ?? "", Protocol, e.StatusCode.ToString(), Stopwatch.GetElapsedTime(started));
            metrics?.OnError(served?.ModelName ?? "", served?.Version ?? "", Protocol, ErrorKind(e.StatusCode));
            throw;
        }
        finally
        {
            if (logged is not null)
            {
                PredictionCapture.End(predictionLog!, logged, HttpStatusOf(status), Stopwatch.GetElapsedTime(started), scorer.Current);
            }
        }
    }

    // The prediction log records HTTP statuses whatever the protocol.
    private static int HttpStatusOf(StatusCode code) => code switch
    {
        StatusCode.OK => 200,
        StatusCode.InvalidArgument => 400,
        StatusCode.NotFound => 404,
        StatusCode.Unavailable => 503,
        StatusCode.Cancelled => 499,
        _ => 500,
    };

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
        // A request naming a version is read against that version's signature and scored on the route serving it;
        // otherwise the deployment's sticky key, read from the metadata as REST reads the header, picks the route.
        var target = Resolve(request.ModelName, request.ModelVersion).Version;
        var requested = RequestedOutputs(request, target.Outputs.Select(c => c.Name).ToList());
        var batch = OipInputReader.Read(request, target.Inputs);
        PredictionCapture.Input(context.GetHttpContext(), batch);
        var result = await ServedModelLookup.ScoreAsync(
            scorer, batch, request.ModelName, request.ModelVersion, RoutingKey(context), context.CancellationToken);
        PredictionCapture.Answer(context.GetHttpContext(), result);

        // Hot reload may have swapped versions while the request waited; the response names the one that answered.
        var response = new ModelInferResponse { ModelName = result.Version.ModelName, ModelVersion = result.Version.Version, Id = request.Id };
        var raw = request.RawInputContents.Count > 0;
        foreach (var name in requested ?? result.Outputs.Columns.Select(c => c.Name))
        {
            var column = result.Outputs.Find(name)
                ?? throw KeelException.InvalidParameter($"Version {result.Version.Version} of the model returns no output '{name}'.");
            OipTensorEncoding.AddOutput(response, column, raw);
        }

        await WriteServedHeadersAsync(context, result.Version, result.Route);
        return response;
    });

    // REST's X-Keel-Model, X-Keel-Model-Version and X-Keel-Route, under the same names.
    private static Task WriteServedHeadersAsync(ServerCallContext context, ServedVersion served, string? route)
    {
        var headers = new Metadata
        {
            { ModelHeader, served.ModelName },
            { VersionHeader, served.Version },
            { ModelVersionHeader, served.Version },
        };
        if (route is not null)
        {
            headers.Add(RouteHeader, route);
        }
        return context.WriteResponseHeadersAsync(headers);
    }

    // Repeated entries are joined with commas, as ASP.NET Core joins a repeated REST header, so one key is one route in both.
    private string? RoutingKey(ServerCallContext context)
    {
        if (scorer is not IRoutingScorer { RoutingHeader: { } header })
        {
            return null;
        }

        var name = Lower(header);
        string? key = null;
        foreach (var entry in context.RequestHeaders)
        {
            if (!entry.IsBinary && string.Equals(entry.Key, name, StringComparison.Ordinal))
            {
                key = key is null ? entry.Value : $"{key},{entry.Value}";
            }
        }
        return key;
    }

#pragma warning disable CA1308 // gRPC metadata keys are lower-case by definition; upper-casing would not match them.
    private static string Lower(string header) => header.ToLowerInvariant();
#pragma warning restore CA1308

    private static TensorMetadata Describe(Core.Models.ColumnSchema column)
    {
        var tensor = new TensorMetadata { Name = column.Name, Datatype = OipDataTypes.Of(column.Type) };
        tensor.Shape.Add(-1);
        tensor.Shape.AddRange(column.RowShape.Select(d => (long)d));
        return tensor;
    }

    private RoutedVersion Resolve(string name, string version)
    {
        var current = scorer.Current
            ?? throw new RpcException(new Status(StatusCode.Unavailable, "No model version has loaded yet; retry when ServerReady answers true."));
        return string.IsNullOrEmpty(name) ? throw NoModelNamed(current) : ServedModelLookup.Find(scorer, current, name, version);
    }

    private static KeelException NoModelNamed(ServedVersion current) =>
        KeelException.InvalidParameter($"The request names no model; this server serves '{current.ModelName}'.");

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
