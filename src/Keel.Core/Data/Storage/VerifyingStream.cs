using System.Globalization;
using System.Security.Cryptography;
using Keel.Core.Common;

namespace Keel.Core.Data.Storage;

/// <summary>
/// Passes <paramref name="prefix"/> then <paramref name="inner"/> through SHA-256 and a size cap; at end of stream, a
/// wrong hash throws what <paramref name="mismatch"/> makes of the actual hash instead of reporting EOF, so a copy that
/// reads it to the end never completes with bad bytes. Disposes <paramref name="inner"/> only when <paramref name="ownsInner"/>.
/// </summary>
internal sealed class VerifyingStream(
    ReadOnlyMemory<byte> prefix, Stream inner, string expected, long maxBytes, Func<string, Exception> mismatch, bool ownsInner) : Stream
{
    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private ReadOnlyMemory<byte> _prefix = prefix;
    private long _length;
    private bool _checked;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => TakePrefix(buffer) is var taken and > 0 ? Account(buffer, taken) : Account(buffer, inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (TakePrefix(buffer.Span) is var taken and > 0)
        {
            return Account(buffer.Span, taken);
        }
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span, read);
    }

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
            _sha.Dispose();
            if (ownsInner)
            {
                inner.Dispose();
            }
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        _sha.Dispose();
        if (ownsInner)
        {
            await inner.DisposeAsync().ConfigureAwait(false);
        }
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private int TakePrefix(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _prefix.Length);
        _prefix.Span[..count].CopyTo(buffer);
        _prefix = _prefix[count..];
        return count;
    }

    private int Account(ReadOnlySpan<byte> buffer, int read)
    {
        if (read > 0)
        {
            _length += read;
            if (_length > maxBytes)
            {
                throw KeelException.InvalidParameter(string.Create(CultureInfo.InvariantCulture,
                    $"Data object {expected} exceeds the server's limit of {maxBytes} bytes."));
            }
            _sha.AppendData(buffer[..read]);
            return read;
        }
        if (!_checked)
        {
            _checked = true;
            var actual = Convert.ToHexStringLower(_sha.GetHashAndReset());
            if (!string.Equals(actual, expected, StringComparison.Ordinal))
            {
                throw mismatch(actual);
            }
        }
        return 0;
    }
}
