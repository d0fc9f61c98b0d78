using System.Buffers;
using Amazon.S3.Model;

namespace Keel.Storage.S3;

/// <summary>
/// Writes one object from a stream of any length with one part-sized buffer: content that fits the buffer
/// goes in one PutObject, anything longer in a multipart upload that is aborted if the source or the store
/// fails, so the previous object stays whole either way.
/// </summary>
internal static class S3Upload
{
    // S3's limit on parts per upload.
    private const int MaxParts = 10_000;

    public static async Task PutAsync(S3Gateway s3, string key, Stream content, int partSize, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(partSize);
        try
        {
            var filled = await FillAsync(content, buffer.AsMemory(0, partSize), ct);
            if (filled < partSize)
            {
                await s3.RunAsync(c => c.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = s3.Location.Bucket,
                    Key = key,
                    InputStream = new MemoryStream(buffer, 0, filled, writable: false),
                    // Chunked signing frames the body in a way some S3-compatible servers store verbatim; the
                    // body is in memory, so its hash is known up front anyway.
                    UseChunkEncoding = false,
                }, ct), ct);
                return;
            }
            await PutMultipartAsync(s3, key, content, buffer, partSize, ct);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task PutMultipartAsync(S3Gateway s3, string key, Stream content, byte[] buffer, int partSize, CancellationToken ct)
    {
        var bucket = s3.Location.Bucket;
        var started = await s3.RunAsync(c => c.InitiateMultipartUploadAsync(
            new InitiateMultipartUploadRequest { BucketName = bucket, Key = key }, ct), ct);
        var uploadId = started.UploadId;
        try
        {
            var parts = new List<PartETag>();
            var filled = partSize;
            while (filled > 0)
            {
                if (parts.Count == MaxParts)
                {
                    throw new IOException($"The content exceeds {MaxParts} parts of {partSize} bytes; raise the S3 part size.");
                }
                var number = parts.Count + 1;
                var length = filled;
                var uploaded = await s3.RunAsync(c => c.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartNumber = number,
                    InputStream = new MemoryStream(buffer, 0, length, writable: false),
                    UseChunkEncoding = false,
                }, ct), ct);
                parts.Add(new PartETag(number, uploaded.ETag));
                filled = await FillAsync(content, buffer.AsMemory(0, partSize), ct);
            }
            await s3.RunAsync(c => c.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket,
                Key = key,
                UploadId = uploadId,
                PartETags = parts,
            }, ct), ct);
        }
        catch
        {
            await AbortQuietlyAsync(s3, key, uploadId);
            throw;
        }
    }

    // Reads until the buffer is full or the source ends; a short read alone does not mean the end.
    private static async Task<int> FillAsync(Stream content, Memory<byte> buffer, CancellationToken ct)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await content.ReadAsync(buffer[filled..], ct);
            if (read == 0)
            {
                break;
            }
            filled += read;
        }
        return filled;
    }

    private static async Task AbortQuietlyAsync(S3Gateway s3, string key, string uploadId)
    {
        try
        {
            // Not the caller's token: a cancelled upload must still release its parts.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await s3.Client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest
            {
                BucketName = s3.Location.Bucket,
                Key = key,
                UploadId = uploadId,
            }, timeout.Token);
        }
#pragma warning disable CA1031 // Best effort: the original failure matters more; bucket lifecycle rules reap leftovers.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
