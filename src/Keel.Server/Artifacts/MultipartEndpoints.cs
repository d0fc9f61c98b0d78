using System.Globalization;
using Keel.Contracts.Mlflow;
using Keel.Core.Artifacts;
using Keel.Core.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static Keel.Server.Http.MlflowRequest;

namespace Keel.Server.Artifacts;

/// <summary>
/// MLflow's multipart upload on the artifact proxy: <c>mpu/create</c> starts an upload and hands out one presigned
/// PUT URL per part, the client PUTs the parts straight to the object store, then <c>mpu/complete</c> joins them
/// (or <c>mpu/abort</c> drops them; 501 when the object store itself lacks abort). The file is <c>&lt;directory in the route&gt;/&lt;name of the body's path&gt;</c>,
/// as in MLflow. Stores that cannot presign answer 501 NOT_IMPLEMENTED with MLflow's message, after the same
/// request checks MLflow makes first.
/// </summary>
internal static class MultipartEndpoints
{
    // As long as boto's default for MLflow's S3 repository: parts of a large file are sent within the hour.
    private static readonly TimeSpan PartUrlExpiry = TimeSpan.FromHours(1);

    public static void Map(RouteGroupBuilder group)
    {
        foreach (var (route, handler) in new (string, Delegate)[]
        {
            (MlflowRoutes.MultipartCreate, CreateAsync),
            (MlflowRoutes.MultipartComplete, CompleteAsync),
            (MlflowRoutes.MultipartAbort, AbortAsync),
        })
        {
            group.MapPost(route, handler);
            group.MapPost(route + "/{**path}", handler);
        }
    }

    /// <summary>MLflow's client falls back to a single PUT only on this status and exactly this message's start.</summary>
    public static IResult NotSupported() =>
        Results.Json(
            new ErrorResponse(ErrorCodes.NotImplemented, "Multipart upload is not supported for the current artifact repository"),
            MlflowJson.Options.GetTypeInfo(typeof(ErrorResponse)),
            statusCode: StatusCodes.Status501NotImplemented);

    private static async Task<IResult> CreateAsync(HttpContext http, IArtifactStore store)
    {
        var directory = ArtifactRequestTarget.GetDirectoryAfter(http, MlflowRoutes.MultipartCreate);
        var request = await ReadBodyAsync(http, MlflowJsonContext.Default.CreateMultipartUploadRequest);
        var path = FilePath(directory, request.Path);
        var parts = request.NumParts ?? 0;
        if (parts is < 1 or > IPresigningArtifactStore.MaxParts)
        {
            throw KeelException.InvalidParameter(string.Create(CultureInfo.InvariantCulture,
                $"Invalid value {parts} for parameter 'num_parts': expected 1 to {IPresigningArtifactStore.MaxParts}."));
        }
        if (store is not IPresigningArtifactStore presigning)
        {
            return NotSupported();
        }
        var uploadId = await presigning.CreateMultipartUploadAsync(path, http.RequestAborted);
        var credentials = new MultipartUploadCredential[parts];
        for (var i = 0; i < parts; i++)
        {
            credentials[i] = new MultipartUploadCredential
            {
                Url = presigning.PresignUploadPart(path, uploadId, i + 1, PartUrlExpiry).AbsoluteUri,
                PartNumber = i + 1,
            };
        }
        return Ok(new CreateMultipartUploadResponse { UploadId = uploadId, Credentials = credentials },
            MlflowJsonContext.Default.CreateMultipartUploadResponse);
    }

    private static async Task<IResult> CompleteAsync(HttpContext http, IArtifactStore store)
    {
        var directory = ArtifactRequestTarget.GetDirectoryAfter(http, MlflowRoutes.MultipartComplete);
        var request = await ReadBodyAsync(http, MlflowJsonContext.Default.CompleteMultipartUploadRequest);
        var path = FilePath(directory, request.Path);
        if (request.Parts is not { Count: > 0 } parts)
        {
            throw KeelException.InvalidParameter("Missing value for required parameter 'parts'.");
        }
        if (store is not IPresigningArtifactStore presigning)
        {
            return NotSupported();
        }
        var uploaded = parts.Select(p => new UploadedPart(
            p.PartNumber is >= 1 and <= IPresigningArtifactStore.MaxParts ? (int)p.PartNumber : throw InvalidPartNumber(p.PartNumber),
            p.Etag ?? string.Empty)).ToArray();
        await presigning.CompleteMultipartUploadAsync(path, request.UploadId ?? string.Empty, uploaded, http.RequestAborted);
        return OkEmpty();
    }

    private static async Task<IResult> AbortAsync(HttpContext http, IArtifactStore store)
    {
        var directory = ArtifactRequestTarget.GetDirectoryAfter(http, MlflowRoutes.MultipartAbort);
        var request = await ReadBodyAsync(http, MlflowJsonContext.Default.AbortMultipartUploadRequest);
        var path = FilePath(directory, request.Path);
        if (store is not IPresigningArtifactStore presigning)
        {
            return NotSupported();
        }
        try
        {
            await presigning.AbortMultipartUploadAsync(path, request.UploadId ?? string.Empty, http.RequestAborted);
        }
        catch (NotSupportedException e)
        {
            return Results.Json(new ErrorResponse(ErrorCodes.NotImplemented, e.Message),
                MlflowJson.Options.GetTypeInfo(typeof(ErrorResponse)), statusCode: StatusCodes.Status501NotImplemented);
        }
        return OkEmpty();
    }

    // MLflow keeps only the base name of the client's local path; either separator counts, so a Windows
    // client's "C:\data\model.bin" names "model.bin" rather than a file with backslashes.
    private static ArtifactPath FilePath(ArtifactPath directory, string? localPath)
    {
        if (string.IsNullOrEmpty(localPath))
        {
            throw KeelException.InvalidParameter("Missing value for required parameter 'path'.");
        }
        var name = localPath[(localPath.LastIndexOfAny(['/', '\\']) + 1)..];
        return directory.Append(ArtifactPath.Parse(name, "path"));
    }

    private static KeelException InvalidPartNumber(long number) =>
        KeelException.InvalidParameter(string.Create(CultureInfo.InvariantCulture,
            $"Invalid value {number} for parameter 'part_number': expected 1 to {IPresigningArtifactStore.MaxParts}."));
}
