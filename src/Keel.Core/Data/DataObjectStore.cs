using System.Globalization;
using System.Security.Cryptography;
using Keel.Core.Artifacts;
using Keel.Core.Common;

namespace Keel.Core.Data;

/// <summary>
/// The server's content-addressed data objects (chunks and manifests), kept in an <see cref="IArtifactStore"/> of
/// their own at <c>ab/&lt;hash&gt;</c>. Every hash is checked by <see cref="ContentHash.Require"/> before it reaches a
/// path; an upload streams through SHA-256 and becomes visible only when its bytes match its hash, so the store never
/// holds an object whose name lies about its content.
/// </summary>
/// <param name="objects">Where the objects live (locally <c>&lt;data dir&gt;/data-objects</c>, apart from artifacts).</param>
/// <param name="maxObjectBytes">The largest object accepted, in bytes [default: <see cref="DefaultMaxObjectBytes"/>].</param>
public sealed class DataObjectStore(IArtifactStore objects, long maxObjectBytes = DataObjectStore.DefaultMaxObjectBytes)
{
    /// <summary>64 MiB: chunks are at most 4 MiB, but the manifest of a large tree can run to tens of MiB.</summary>
    public const long DefaultMaxObjectBytes = 64L << 20;

    /// <summary>The most hashes one <see cref="FindMissingAsync"/> call accepts.</summary>
    public const int MaxHashesPerCall = 10_000;

    /// <summary>The largest object accepted, in bytes.</summary>
    public long MaxObjectBytes { get; } = maxObjectBytes > 0
        ? maxObjectBytes
        : throw new ArgumentOutOfRangeException(nameof(maxObjectBytes), maxObjectBytes, "The object size limit must be positive.");

    public async Task<bool> ExistsAsync(string? hash, CancellationToken ct = default)
    {
        var path = PathOf(hash, "hash");
        try
        {
            await using var stream = await objects.OpenReadAsync(path, ct);
            return true;
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            return false;
        }
    }

    /// <summary>
    /// The hashes among <paramref name="hashes"/> the store lacks, each once, in the order first given. More than
    /// <see cref="MaxHashesPerCall"/> hashes, or an invalid one, throws INVALID_PARAMETER_VALUE naming <c>hashes[i]</c>.
    /// </summary>
    public async Task<IReadOnlyList<string>> FindMissingAsync(IReadOnlyList<string?>? hashes, CancellationToken ct = default)
    {
        if (hashes is null)
        {
            throw KeelException.InvalidParameter("Missing value for required parameter 'hashes'.");
        }
        if (hashes.Count > MaxHashesPerCall)
        {
            throw KeelException.InvalidParameter(Text($"Invalid value for parameter 'hashes': at most {MaxHashesPerCall} hashes per call (got {hashes.Count}); send them in batches."));
        }
        for (var i = 0; i < hashes.Count; i++)
        {
            ContentHash.Require(hashes[i], Text($"hashes[{i}]"));
        }
        var missing = new List<string>();
        foreach (var hash in hashes.Distinct(StringComparer.Ordinal))
        {
            if (!await ExistsAsync(hash, ct))
            {
                missing.Add(hash!);
            }
        }
        return missing;
    }

    /// <summary>
    /// Stores <paramref name="content"/> (read to its end) as object <paramref name="hash"/>. Bytes that hash to something
    /// else, or more than <see cref="MaxObjectBytes"/> of them, throw INVALID_PARAMETER_VALUE and leave nothing behind.
    /// An object already present is kept and the content is not read (objects are immutable); returns true when the
    /// object is new. Concurrent puts of one object both succeed: equal hashes mean equal bytes.
    /// </summary>
    public async Task<bool> PutAsync(string? hash, Stream content, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = PathOf(hash, "hash");
        if (await ExistsAsync(hash, ct))
        {
            return false;
        }
        // The check runs inside the store's own copy, at end of stream, before its rename makes the object visible.
        await using var verified = new VerifyingStream(content, hash!, MaxObjectBytes);
        await objects.PutAsync(path, verified, ct);
        return true;
    }

    /// <summary>Opens an object for reading; a missing one throws RESOURCE_DOES_NOT_EXIST naming the hash.</summary>
    public async Task<Stream> OpenReadAsync(string? hash, CancellationToken ct = default)
    {
        var path = PathOf(hash, "hash");
        try
        {
            return await objects.OpenReadAsync(path, ct);
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            throw KeelException.NotFound($"Data object {hash} not found.");
        }
    }

    private static ArtifactPath PathOf(string? hash, string field)
    {
        ContentHash.Require(hash, field);
        return ArtifactPath.Parse(hash![..2] + "/" + hash, field);
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Passes bytes through SHA-256 and a size cap; at end of stream, a wrong hash throws instead of reporting EOF.</summary>
    private sealed class VerifyingStream(Stream inner, string expected, long maxBytes) : Stream
    {
        private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
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

        public override int Read(Span<byte> buffer) => Account(buffer, inner.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
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
            }
            base.Dispose(disposing);
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
                    throw KeelException.InvalidParameter(
                        $"Invalid content for parameter 'hash': the bytes sent for data object {expected} hash to {actual}; nothing was stored.");
                }
            }
            return 0;
        }
    }
}
