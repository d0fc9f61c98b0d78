using System.Buffers;
using System.Globalization;
using Keel.Client.Internal;
using Keel.Contracts.Mlflow;

namespace Keel.Client;

// MLflow's multipart upload through the artifact proxy: mpu/create hands out one presigned PUT URL per part, the
// parts go straight to the object store in parallel, mpu/complete joins them, and any failure aborts the upload
// so no parts are left behind. Memory stays at one part buffer per part in flight.
public sealed partial class KeelClient
{
    /// <summary>
    /// Uploads <paramref name="file"/> to <c>&lt;directory&gt;/&lt;file name&gt;</c> (a proxy path) with a multipart
    /// upload; false when the server does not offer one, so the caller sends it through the proxy instead.
    /// </summary>
    private async Task<bool> TryMultipartUploadAsync(string directory, FileInfo file, ByteCounter counter, CancellationToken ct)
    {
        if (_direct.MultipartUnsupported || file.Length == 0)
        {
            return false;
        }
        var partSize = Math.Max(_direct.PartSize, (file.Length + DirectTransfers.MaxParts - 1) / DirectTransfers.MaxParts);
        var count = (int)((file.Length + partSize - 1) / partSize);
        CreateMultipartUploadResponse created;
        try
        {
            // Only the name: the server keeps nothing else of the path, and the local layout is not its business.
            created = await PostJsonAsync<CreateMultipartUploadRequest, CreateMultipartUploadResponse>(
                ArtifactProxyRoute(MlflowRoutes.MultipartCreate, directory),
                new CreateMultipartUploadRequest { Path = file.Name, NumParts = count }, ct).ConfigureAwait(false);
        }
        catch (KeelApiException e) when (IsNotOffered(e))
        {
            _direct.MultipartUnsupported = true;
            return false;
        }
        if (string.IsNullOrEmpty(created.UploadId))
        {
            throw new InvalidDataException($"The tracking server started a multipart upload of '{file.Name}' without an upload id.");
        }

        var uploadId = created.UploadId;
        var start = counter.Total;
        try
        {
            var credentials = CheckCredentials(created.Credentials, count, file.Name);
            var parts = new MultipartUploadPart[count];
            var gate = new Lock();
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = _direct.MaxParallelParts, CancellationToken = ct };
            await Parallel.ForEachAsync(Enumerable.Range(0, count), parallel, async (i, token) =>
            {
                var offset = i * partSize;
                var length = (int)Math.Min(partSize, file.Length - offset);
                parts[i] = await UploadPartAsync(file, credentials[i], offset, length, token).ConfigureAwait(false);
                lock (gate)
                {
                    counter.Add(length);
                }
            }).ConfigureAwait(false);
            await PostJsonAsync<CompleteMultipartUploadRequest, EmptyResponse>(
                ArtifactProxyRoute(MlflowRoutes.MultipartComplete, directory),
                new CompleteMultipartUploadRequest { Path = file.Name, UploadId = uploadId, Parts = parts }, ct).ConfigureAwait(false);
            return true;
        }
        catch
        {
            counter.RewindTo(start);
            await AbortQuietlyAsync(directory, file.Name, uploadId).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<MultipartUploadPart> UploadPartAsync(
        FileInfo file, MultipartUploadCredential credential, long offset, int length, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            using (var source = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous))
            {
                source.Position = offset;
                await source.ReadExactlyAsync(buffer.AsMemory(0, length), ct).ConfigureAwait(false);
            }
            var url = new Uri(credential.Url);
            using var response = await _transport.SendAsync(
                () =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ReadOnlyMemoryContent(buffer.AsMemory(0, length)) };
                    AddHeaders(request, credential.Headers);
                    return request;
                },
                HttpCompletionOption.ResponseContentRead,
                ct).ConfigureAwait(false);
            // Read raw: S3-compatible servers do not all quote their ETags as HTTP requires.
            var etag = response.Headers.TryGetValues("ETag", out var values) ? values.FirstOrDefault() : null;
            if (string.IsNullOrEmpty(etag))
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"The object store answered part {credential.PartNumber} of '{file.Name}' without an ETag."));
            }
            return new MultipartUploadPart { PartNumber = credential.PartNumber, Etag = etag };
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // One credential per part, numbered 1 to count, in any order on the wire.
    private static MultipartUploadCredential[] CheckCredentials(IReadOnlyList<MultipartUploadCredential> credentials, int count, string name)
    {
        var ordered = credentials.OrderBy(static c => c.PartNumber).ToArray();
        for (var i = 0; i < ordered.Length; i++)
        {
            if (ordered[i].PartNumber != i + 1 || string.IsNullOrEmpty(ordered[i].Url))
            {
                ordered = [];
                break;
            }
        }
        return ordered.Length == count
            ? ordered
            : throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"The tracking server did not hand out one upload URL for each of the {count} parts of '{name}'."));
    }

    private async Task AbortQuietlyAsync(string directory, string name, string uploadId)
    {
        try
        {
            // Not the caller's token: a cancelled upload must still release its parts.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await PostJsonAsync<AbortMultipartUploadRequest, EmptyResponse>(
                ArtifactProxyRoute(MlflowRoutes.MultipartAbort, directory),
                new AbortMultipartUploadRequest { Path = name, UploadId = uploadId }, timeout.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Best effort: the original failure matters more; bucket lifecycle rules reap leftovers.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
