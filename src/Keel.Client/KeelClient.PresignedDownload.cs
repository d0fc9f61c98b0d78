using Keel.Client.Internal;
using Keel.Contracts.KeelApi;
using Keel.Contracts.Mlflow;

namespace Keel.Client;

// Large downloads come straight from the object store with a presigned GET from Keel's presign endpoint.
public sealed partial class KeelClient
{
    /// <summary>
    /// Whether a file of <paramref name="size"/> bytes (null when not known, as for a single-file download) is
    /// worth asking a presigned URL for.
    /// </summary>
    private bool WantsDirectDownload(long? size) =>
        !_direct.PresignUnsupported && (size is null || size >= _direct.Threshold);

    /// <summary>A presigned GET URL of the proxy path <paramref name="path"/>, or null when the server offers none.</summary>
    private async Task<Uri?> TryPresignDownloadAsync(string path, CancellationToken ct)
    {
        var uri = new Uri(_transport.BaseUri, KeelRoutes.ApiPrefix.TrimStart('/') + "/" + MlflowRoutes.KeelArtifactsPresign
            + MlflowTransport.Query([new("path", path), new("method", "GET")]));
        try
        {
            var presigned = await _transport.GetAsync<PresignedUrlResponse>(uri, ct).ConfigureAwait(false);
            return new Uri(presigned.Url);
        }
        catch (KeelApiException e) when (IsNotOffered(e))
        {
            _direct.PresignUnsupported = true;
            return null;
        }
    }
}
