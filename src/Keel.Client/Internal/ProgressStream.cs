namespace Keel.Client.Internal;

/// <summary>A read-only pass-through stream that reports every read to a <see cref="ByteCounter"/>.</summary>
internal sealed class ProgressStream(Stream inner, ByteCounter counter) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    private int Count(int read)
    {
        counter.Add(read);
        return read;
    }
}

/// <summary>
/// Bytes moved so far by one SDK call, reported to the caller's <see cref="IProgress{T}"/>. A file whose transfer
/// restarts after a transient failure is rewound to where it began.
/// </summary>
internal sealed class ByteCounter(IProgress<long>? progress)
{
    public long Total { get; private set; }

    public void Add(long bytes)
    {
        if (bytes <= 0)
        {
            return;
        }
        Total += bytes;
        progress?.Report(Total);
    }

    public void RewindTo(long total) => Total = total;
}
