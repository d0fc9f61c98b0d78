using System.Globalization;
using System.Security.Cryptography;
using Keel.Core.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Keel.Server.KeelApi;

/// <summary>
/// Receives a workspace tar.gz: spooled to a temporary file while its SHA-256 is computed (the store's path names the
/// hash, so it must be known before writing), refused past the size limit or when it is not gzip.
/// </summary>
internal static class PipelineWorkspaceUpload
{
    private static readonly byte[] GzipMagic = [0x1f, 0x8b];

    /// <summary>The spooled body (positioned at 0, deleted on dispose), its SHA-256 and size.</summary>
    public static async Task<(FileStream Content, string Sha256, long Size)> ReceiveAsync(HttpContext http, long maxBytes)
    {
        if (http.Request.ContentLength > maxBytes)
        {
            throw TooLarge(string.Create(CultureInfo.InvariantCulture, $"{http.Request.ContentLength.Value} bytes"), maxBytes);
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // One byte over, so an undeclared oversized body is caught below with a clear message rather than cut off.
            limit.MaxRequestBodySize = maxBytes + 1;
        }
        var spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[81920];
            long size = 0;
            int read;
            while ((read = await http.Request.Body.ReadAsync(buffer, http.RequestAborted)) > 0)
            {
                size += read;
                if (size > maxBytes)
                {
                    throw TooLarge(string.Create(CultureInfo.InvariantCulture, $"more than {maxBytes} bytes"), maxBytes);
                }
                hash.AppendData(buffer, 0, read);
                await spool.WriteAsync(buffer.AsMemory(0, read), http.RequestAborted);
            }
            if (size < 2)
            {
                throw KeelException.InvalidParameter("The workspace body is empty: send the pipeline folder as a tar.gz.");
            }
            spool.Position = 0;
            var head = new byte[2];
            await spool.ReadExactlyAsync(head, http.RequestAborted);
            if (!head.AsSpan().SequenceEqual(GzipMagic))
            {
                throw KeelException.InvalidParameter("The workspace body is not gzip: send the pipeline folder as a tar.gz.");
            }
            spool.Position = 0;
            return (spool, Convert.ToHexStringLower(hash.GetHashAndReset()), size);
        }
        catch
        {
            await spool.DisposeAsync();
            throw;
        }
    }

    private static KeelException TooLarge(string size, long maxBytes) => KeelException.InvalidParameter(string.Create(CultureInfo.InvariantCulture,
        $"The workspace is {size}; the server accepts at most {maxBytes} bytes (keep large data out of the pipeline folder: register it as a dataset)."));
}
