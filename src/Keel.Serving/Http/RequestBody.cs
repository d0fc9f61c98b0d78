using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;

namespace Keel.Serving.Http;

/// <summary>
/// A request body read whole into Kestrel's pipe and parsed from there: no copy when it arrived in one segment, one
/// pooled copy otherwise. Dispose it once parsed; the span is invalid after that.
/// </summary>
internal readonly struct RequestBody : IDisposable
{
    private readonly PipeReader _reader;
    private readonly ReadOnlySequence<byte> _buffer;
    private readonly byte[]? _rented;

    private RequestBody(PipeReader reader, ReadOnlySequence<byte> buffer, byte[]? rented)
    {
        _reader = reader;
        _buffer = buffer;
        _rented = rented;
    }

    public ReadOnlySpan<byte> Span => _rented is null ? _buffer.FirstSpan : _rented.AsSpan(0, (int)_buffer.Length);

    // Kestrel's MaxRequestBodySize stops an oversized body with a 413 BadHttpRequestException: a declared
    // Content-Length on the first read, a chunked body as it comes, so nothing past the limit is ever buffered.
    public static async ValueTask<RequestBody> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        var reader = request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(ct);
            if (read.IsCompleted)
            {
                var buffer = read.Buffer;
                if (buffer.IsSingleSegment)
                {
                    return new RequestBody(reader, buffer, null);
                }

                if (buffer.Length > Array.MaxLength)
                {
                    reader.AdvanceTo(buffer.End);
                    throw new BadHttpRequestException("The request body is too large to buffer.", StatusCodes.Status413PayloadTooLarge);
                }

                var rented = ArrayPool<byte>.Shared.Rent((int)buffer.Length);
                buffer.CopyTo(rented);
                return new RequestBody(reader, buffer, rented);
            }

            // Nothing consumed yet: ask for the rest on top of what is buffered.
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    public void Dispose()
    {
        _reader?.AdvanceTo(_buffer.End);
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
        }
    }
}
