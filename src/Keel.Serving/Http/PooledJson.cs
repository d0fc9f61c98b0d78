using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Keel.Serving.Http;

/// <summary>
/// Writes a JSON answer through a writer and buffer kept per thread, then hands it to Kestrel's pipe with its
/// Content-Length: no writer, buffer or byte[] allocated per request.
/// </summary>
internal static class PooledJson
{
    // A thread that once wrote a huge answer does not keep its buffer.
    private const int KeptCapacity = 256 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    // The writing is synchronous, so nothing else on this thread can reach the buffer until it has been copied out.
    public static void Write<TState>(HttpResponse response, TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        var json = t_writer ??= new Utf8JsonWriter(buffer);
        json.Reset(buffer);
        try
        {
            write(json, state);
            json.Flush();
            response.ContentLength = buffer.WrittenCount;
            response.BodyWriter.Write(buffer.WrittenSpan);
        }
        finally
        {
            if (buffer.Capacity > KeptCapacity)
            {
                t_buffer = null;
                t_writer = null;
            }
            else
            {
                buffer.ResetWrittenCount();
                json.Reset(buffer);
            }
        }
    }
}
