namespace Keel.Storage.Tests.Artifacts;

/// <summary>Deterministic pseudo-random bytes of a given length, produced on the fly, not seekable.</summary>
internal sealed class GeneratedStream(long length, int seed) : ReadOnlyTestStream
{
    private readonly Random _random = new(seed);
    private long _position;

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - _position);
        _random.NextBytes(buffer[..n]);
        _position += n;
        return n;
    }
}

/// <summary>Yields <paramref name="goodBytes"/> bytes, then fails like a dropped connection.</summary>
internal sealed class FailingStream(long goodBytes = 1) : ReadOnlyTestStream
{
    private long _sent;

    public override int Read(Span<byte> buffer)
    {
        if (_sent >= goodBytes)
        {
            throw new IOException("connection reset");
        }
        var n = (int)Math.Min(buffer.Length, goodBytes - _sent);
        buffer[..n].Fill(42);
        _sent += n;
        return n;
    }
}

/// <summary>A forward-only source of unknown length, as a request body is.</summary>
internal abstract class ReadOnlyTestStream : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public abstract override int Read(Span<byte> buffer);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
