using Keel.Core.Artifacts;
using Keel.Core.Common;

namespace Keel.Core.Data;

/// <summary>
/// Presigned URLs for data objects, so clients move chunks straight to and from the object store. A download URL
/// returns the object in stored form, which the client decodes and verifies as it would the server's answer. An
/// upload URL writes the object's key directly: the server never reads those bytes, so they are verified only by the
/// client before it sends them and by every reader after; clients send deltas (whose depth the server must settle)
/// through <see cref="PutAsync"/> instead.
/// </summary>
public sealed partial class DataObjectStore
{
    /// <summary>The most hashes one <see cref="Presign"/> call signs.</summary>
    public const int MaxPresignedPerCall = 1_000;

    /// <summary>Whether the underlying store can hand out presigned URLs (S3 can, a local folder cannot).</summary>
    public bool CanPresign => objects is IPresigningArtifactStore;

    /// <summary>
    /// One URL per distinct hash of <paramref name="hashes"/>, in the order first given, for <paramref name="method"/>
    /// on that object, valid for <paramref name="expiry"/>. Signing is local: a download URL of an object the store
    /// lacks answers 404 when used. More than <see cref="MaxPresignedPerCall"/> hashes, or an invalid one, throws
    /// INVALID_PARAMETER_VALUE naming <c>hashes[i]</c>; a store that cannot presign throws <see cref="NotSupportedException"/>.
    /// </summary>
    public IReadOnlyList<(string Hash, Uri Url)> Presign(IReadOnlyList<string?>? hashes, PresignedMethod method, TimeSpan expiry)
    {
        if (hashes is null || hashes.Count == 0)
        {
            throw KeelException.InvalidParameter("Missing value for required parameter 'hashes'.");
        }
        if (hashes.Count > MaxPresignedPerCall)
        {
            throw KeelException.InvalidParameter(Text($"Invalid value for parameter 'hashes': at most {MaxPresignedPerCall} hashes per call (got {hashes.Count}); send them in batches."));
        }
        for (var i = 0; i < hashes.Count; i++)
        {
            ContentHash.Require(hashes[i], Text($"hashes[{i}]"));
        }
        if (objects is not IPresigningArtifactStore presigning)
        {
            throw new NotSupportedException("The data object store cannot presign URLs (it is a local folder).");
        }
        return [.. hashes.Distinct(StringComparer.Ordinal).Select(h => (h!, presigning.SignUrl(PathOf(h, "hash"), method, expiry)))];
    }
}
