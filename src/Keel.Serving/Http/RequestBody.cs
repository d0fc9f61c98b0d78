using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Keel.Serving.Http;

/// <summary>Reads a request body whole; Kestrel's MaxRequestBodySize stops an oversized one with a 413 BadHttpRequestException.</summary>
internal static class RequestBody
{
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        // Kestrel checks a declared Content-Length against the limit on the first read, and counts a chunked body as
        // it comes; the buffer is sized up front only for a length that will pass, so a lying header costs nothing.
        var limit = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 0;
        var capacity = request.ContentLength is { } length && length <= limit && length < int.MaxValue ? (int)length : 0;
        using var buffer = new MemoryStream(capacity);
        await request.Body.CopyToAsync(buffer, ct);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
