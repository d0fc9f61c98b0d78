using System.Globalization;
using Keel.Contracts.KeelApi;
using Keel.Contracts.Mlflow;

namespace Keel.Client;

// Data objects straight to and from the server's object store with presigned URLs: the server only signs. Signed
// URLs are credentials, so errors name the object's path, never the URL with its signature.
public sealed partial class KeelClient
{
    /// <summary>
    /// Presigned PUT URLs for data objects, one per distinct hash, so their bytes go straight to the server's object
    /// store (asked in batches of <see cref="DataObjectLimits.MaxPresignedPerRequest"/>). Null when the server cannot
    /// presign (its data objects are in a local folder, or it predates the endpoint); the client remembers that and
    /// does not ask again, and <see cref="UploadDataObjectAsync"/> still works. The server does not read what goes to
    /// these URLs: send only objects whose content was verified against their hash, plain or compressed (deltas go
    /// through <see cref="UploadDataObjectAsync"/>, which settles their chain on the server).
    /// </summary>
    /// <param name="hashes">SHA-256 hashes, 64 lowercase hex digits each.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>INVALID_PARAMETER_VALUE</c> naming a malformed hash.</exception>
    public Task<IReadOnlyDictionary<string, Uri>?> PresignDataObjectUploadsAsync(IEnumerable<string> hashes, CancellationToken ct = default) =>
        PresignDataObjectsAsync(hashes, "PUT", ct);

    /// <summary>
    /// Presigned GET URLs for data objects, one per distinct hash; each returns the object in the form the server
    /// stores it, as <see cref="OpenDataObjectAsync"/> does. Null when the server cannot presign (see
    /// <see cref="PresignDataObjectUploadsAsync"/>). Signing does not look the objects up.
    /// </summary>
    /// <param name="hashes">SHA-256 hashes, 64 lowercase hex digits each.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>INVALID_PARAMETER_VALUE</c> naming a malformed hash.</exception>
    public Task<IReadOnlyDictionary<string, Uri>?> PresignDataObjectDownloadsAsync(IEnumerable<string> hashes, CancellationToken ct = default) =>
        PresignDataObjectsAsync(hashes, "GET", ct);

    /// <summary>Writes one data object to a URL from <see cref="PresignDataObjectUploadsAsync"/>. Retried on transient failures.</summary>
    /// <param name="url">The object's presigned PUT URL.</param>
    /// <param name="content">The object's bytes, plain or compressed.</param>
    /// <param name="ct">Cancels the upload.</param>
    /// <exception cref="KeelApiException">The object store refused the upload (an expired URL, for instance).</exception>
    public async Task UploadDataObjectDirectAsync(Uri url, ReadOnlyMemory<byte> content, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        try
        {
            using var response = await _transport.SendAsync(
                () => new HttpRequestMessage(HttpMethod.Put, url)
                {
                    Content = new ReadOnlyMemoryContent(content) { Headers = { ContentType = OctetStream, ContentLength = content.Length } },
                },
                HttpCompletionOption.ResponseContentRead,
                ct).ConfigureAwait(false);
        }
        catch (KeelApiException e)
        {
            throw ObjectStoreError(e, "PUT", url);
        }
    }

    /// <summary>
    /// Opens a data object from a URL from <see cref="PresignDataObjectDownloadsAsync"/>, in stored form (see
    /// <see cref="OpenDataObjectAsync"/>); the caller disposes the stream and verifies the content.
    /// </summary>
    /// <param name="url">The object's presigned GET URL.</param>
    /// <param name="ct">Cancels the request and the reading of the stream.</param>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> when the object store does not hold the object.</exception>
    public async Task<Stream> OpenDataObjectDirectAsync(Uri url, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        HttpResponseMessage response;
        try
        {
            response = await _transport.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, url), HttpCompletionOption.ResponseHeadersRead, ct)
                .ConfigureAwait(false);
        }
        catch (KeelApiException e)
        {
            throw ObjectStoreError(e, "GET", url);
        }
        try
        {
            return await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private async Task<IReadOnlyDictionary<string, Uri>?> PresignDataObjectsAsync(IEnumerable<string> hashes, string method, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        var urls = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (var batch in hashes.Distinct(StringComparer.Ordinal).Chunk(DataObjectLimits.MaxPresignedPerRequest))
        {
            if (_direct.DataPresignUnsupported)
            {
                return null;
            }
            PresignDataObjectsResponse response;
            try
            {
                response = await SendKeelAsync(HttpMethod.Post, KeelRoutes.DataObjects + "/presign", new PresignDataObjectsRequest { Method = method, Hashes = batch },
                    KeelJsonContext.Default.PresignDataObjectsRequest, KeelJsonContext.Default.PresignDataObjectsResponse, ct).ConfigureAwait(false);
            }
            catch (KeelApiException e) when (IsNotOffered(e))
            {
                _direct.DataPresignUnsupported = true;
                return null;
            }
            foreach (var presigned in response.Urls)
            {
                urls[presigned.Hash] = new Uri(presigned.Url);
            }
        }
        return urls;
    }

    private static KeelApiException ObjectStoreError(KeelApiException e, string method, Uri url)
    {
        var path = url.GetLeftPart(UriPartial.Path);
        return e.StatusCode == 404
            ? new KeelApiException(ErrorCodes.ResourceDoesNotExist, $"Data object not found in the object store ({path}).", 404)
            : new KeelApiException(e.ErrorCode, string.Create(CultureInfo.InvariantCulture, $"{method} {path} (presigned) answered {e.StatusCode}."), e.StatusCode);
    }
}
