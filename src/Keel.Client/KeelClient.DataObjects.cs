using System.Text.Json;
using Keel.Contracts.KeelApi;

namespace Keel.Client;

// Content-addressed data objects (chunks and manifests of keel data) on a Keel tracking server
// (/api/keel/v1/data/objects). The server verifies every upload against its SHA-256 before keeping it.
public sealed partial class KeelClient
{
    /// <summary>
    /// The hashes among <paramref name="hashes"/> the server does not hold, each once, in the order given. Any number
    /// of hashes may be asked; they are sent in batches of <see cref="DataObjectLimits.MaxHashesPerRequest"/>.
    /// </summary>
    /// <param name="hashes">SHA-256 hashes, 64 lowercase hex digits each.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>INVALID_PARAMETER_VALUE</c> naming a malformed hash.</exception>
    public async Task<IReadOnlyList<string>> FindMissingDataObjectsAsync(IEnumerable<string> hashes, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        var missing = new List<string>();
        foreach (var batch in hashes.Distinct(StringComparer.Ordinal).Chunk(DataObjectLimits.MaxHashesPerRequest))
        {
            var response = await SendKeelAsync(HttpMethod.Post, KeelRoutes.DataObjects + "/missing", new FindMissingDataObjectsRequest { Hashes = batch },
                KeelJsonContext.Default.FindMissingDataObjectsRequest, KeelJsonContext.Default.FindMissingDataObjectsResponse, ct).ConfigureAwait(false);
            missing.AddRange(response.Missing);
        }
        return missing;
    }

    /// <summary>
    /// Uploads one data object. The server keeps it only if <paramref name="content"/> (decoded, when it is a Keel
    /// storage envelope: compressed, or a delta against an object the server holds) hashes to <paramref name="hash"/>;
    /// uploading an object it already holds succeeds without change. Retried on transient failures.
    /// </summary>
    /// <param name="hash">SHA-256 of the object's content, 64 lowercase hex digits.</param>
    /// <param name="content">The object's bytes, plain or in stored form (at most the server's limit, 64 MiB by default).</param>
    /// <param name="ct">Cancels the upload.</param>
    /// <exception cref="KeelApiException"><c>INVALID_PARAMETER_VALUE</c> when the bytes do not match the hash or are too large.</exception>
    public async Task UploadDataObjectAsync(string hash, ReadOnlyMemory<byte> content, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hash);
        var uri = KeelUri(DataObjectRoute(hash));
        using var response = await _transport.SendAsync(
            () => new HttpRequestMessage(HttpMethod.Put, uri)
            {
                Content = new ReadOnlyMemoryContent(content) { Headers = { ContentType = OctetStream, ContentLength = content.Length } },
            },
            HttpCompletionOption.ResponseContentRead,
            ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens a data object's bytes as they arrive, in the form the server stores them: the plain content, or a Keel
    /// storage envelope (it starts with the bytes EB 4B 44 4F) that Keel.Data's cache decodes. The caller disposes the
    /// stream and should verify the decoded content against the hash (the SDK does not buffer it).
    /// </summary>
    /// <param name="hash">SHA-256 of the object, 64 lowercase hex digits.</param>
    /// <param name="ct">Cancels the request and the reading of the stream.</param>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> when the server does not hold the object.</exception>
    public async Task<Stream> OpenDataObjectAsync(string hash, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hash);
        var uri = KeelUri(DataObjectRoute(hash));
        var response = await _transport.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, uri), HttpCompletionOption.ResponseHeadersRead, ct)
            .ConfigureAwait(false);
        try
        {
            // Disposing the content stream releases the connection; the response holds nothing else.
            return await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static string DataObjectRoute(string hash) => KeelRoutes.DataObjects + "/" + Uri.EscapeDataString(hash);
}
