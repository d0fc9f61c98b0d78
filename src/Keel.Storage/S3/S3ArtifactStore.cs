using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Keel.Core.Artifacts;
using Keel.Core.Common;

namespace Keel.Storage.S3;

/// <summary>
/// Artifacts as objects below one key prefix of an S3 bucket (AWS or any S3-compatible server). Directories
/// are implied by keys, as S3 has none: a directory exists while some key lies below it. An object replaces
/// its predecessor whole when its upload completes, so readers see the old content or the new, never a part.
/// Failures of the store itself throw <see cref="BlobStoreUnavailableException"/>.
/// </summary>
public sealed partial class S3ArtifactStore : IPresigningArtifactStore, IDisposable
{
    // S3's limit on the length of a key, in UTF-8 bytes.
    private const int MaxKeyBytes = 1024;
    private const int DeleteBatch = 1000;
    private static readonly TimeSpan MaxPresignExpiry = TimeSpan.FromDays(7);

    private readonly S3Gateway _s3;
    private readonly TimeProvider _time;
    private readonly int _partSize;
    // The key prefix of the root, with a trailing '/' unless the root is the bucket's top.
    private readonly string _root;

    /// <summary>Opens the store; nothing is sent until the first operation.</summary>
    /// <param name="options">Bucket, prefix, endpoint and credentials.</param>
    /// <param name="time">Clock for presigned URL expiry [default: the system clock].</param>
    public S3ArtifactStore(S3ArtifactStoreOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.PartSize);
        // Test servers take tiny parts; AWS would refuse them only when the upload completes, after all the bytes.
        if (options.ServiceUrl is null)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(options.PartSize, S3ArtifactStoreOptions.MinimumS3PartSize);
        }
        _s3 = S3Gateway.Create(options);
        _time = time ?? TimeProvider.System;
        _partSize = options.PartSize;
        _root = options.Location.Prefix.Length == 0 ? string.Empty : options.Location.Prefix + "/";
    }

    /// <summary>Bucket and prefix of the artifact root.</summary>
    public S3Destination Location => _s3.Location;

    public async Task PutAsync(ArtifactPath path, Stream content, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var key = Key(path);
        await EnsureWritableAsync(path, ct);
        await S3Upload.PutAsync(_s3, key, content, _partSize, ct);
    }

    public async Task<Stream> OpenReadAsync(ArtifactPath path, CancellationToken ct = default)
    {
        var key = Key(path);
        try
        {
            var response = await _s3.RunAsync(c => c.GetObjectAsync(Location.Bucket, key, ct), ct);
            return new S3ReadStream(response);
        }
        catch (AmazonS3Exception e) when (S3Errors.IsMissingKey(e))
        {
            throw KeelException.NotFound(await HasChildrenAsync(path, ct)
                ? $"Artifact '{path}' is a directory, not a file."
                : $"Artifact '{path}' not found.");
        }
    }

    public async Task<IReadOnlyList<ArtifactEntry>> ListAsync(ArtifactPath directory, CancellationToken ct = default)
    {
        var prefix = DirectoryPrefix(directory);
        var entries = new List<ArtifactEntry>();
        // Some S3-compatible servers repeat a common prefix on later pages; S3 itself never does.
        var directories = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var page in ListPagesAsync(prefix, delimiter: "/", ct))
        {
            foreach (var common in page.CommonPrefixes ?? [])
            {
                if (directories.Add(common))
                {
                    AddEntry(entries, directory, common[prefix.Length..^1], size: null);
                }
            }
            foreach (var item in page.S3Objects ?? [])
            {
                AddEntry(entries, directory, item.Key[prefix.Length..], item.Size ?? 0);
            }
        }
        entries.Sort((a, b) => string.CompareOrdinal(a.Path.Value, b.Path.Value));
        return entries;
    }

    public async Task DeleteAsync(ArtifactPath path, CancellationToken ct = default)
    {
        var keys = new List<string>();
        if (!path.IsRoot)
        {
            keys.Add(Key(path));
        }
        await foreach (var page in ListPagesAsync(DirectoryPrefix(path), delimiter: null, ct))
        {
            foreach (var item in page.S3Objects ?? [])
            {
                keys.Add(item.Key);
                if (keys.Count == DeleteBatch)
                {
                    await DeleteKeysAsync(keys, ct);
                    keys.Clear();
                }
            }
        }
        if (keys.Count > 0)
        {
            await DeleteKeysAsync(keys, ct);
        }
    }

    /// <summary>
    /// A URL that downloads the file at <paramref name="path"/> with a plain GET, valid for
    /// <paramref name="expiry"/> (at most 7 days). Signing is local: a missing file shows as 404 on use.
    /// </summary>
    public Uri GetDownloadUrl(ArtifactPath path, TimeSpan expiry) => Presign(path, HttpVerb.GET, expiry);

    /// <summary>
    /// A URL that writes the file at <paramref name="path"/> with a plain PUT of the whole content, valid for
    /// <paramref name="expiry"/> (at most 7 days). Signing is local and checks no directory conflict; the
    /// caller checks the path before handing the URL out.
    /// </summary>
    public Uri GetUploadUrl(ArtifactPath path, TimeSpan expiry) => Presign(path, HttpVerb.PUT, expiry);

    public void Dispose() => _s3.Dispose();

    private Uri Presign(ArtifactPath path, HttpVerb verb, TimeSpan expiry, string? uploadId = null, int? partNumber = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(expiry, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(expiry, MaxPresignExpiry);
        var url = _s3.Client.GetPreSignedURL(new GetPreSignedUrlRequest
        {
            BucketName = Location.Bucket,
            Key = Key(path),
            Verb = verb,
            Expires = _time.GetUtcNow().UtcDateTime + expiry,
            // The SDK signs https URLs unless told otherwise, even for an http endpoint.
            Protocol = _s3.ServiceUrl?.Scheme == Uri.UriSchemeHttp ? Protocol.HTTP : Protocol.HTTPS,
            UploadId = uploadId,
            PartNumber = partNumber,
        });
        return new Uri(url);
    }

    // S3 would happily store "model" and "model/MLmodel" side by side; the local store cannot, and artifact
    // clients expect one shape, so the same conflicts are refused here.
    private async Task EnsureWritableAsync(ArtifactPath path, CancellationToken ct)
    {
        var ancestors = new List<ArtifactPath>();
        for (var parent = path.Parent; !parent.IsRoot; parent = parent.Parent)
        {
            ancestors.Add(parent);
        }
        var directoryHere = HasChildrenAsync(path, ct);
        var fileAbove = await Task.WhenAll(ancestors.Select(a => ExistsAsync(a, ct)));
        var blocking = ancestors.Where((_, i) => fileAbove[i]).LastOrDefault();
        if (blocking is not null)
        {
            throw KeelException.InvalidParameter(
                $"Invalid value '{path.Parent}' for parameter 'path': '{blocking.Name}' is a file, not a directory.");
        }
        if (await directoryHere)
        {
            throw KeelException.InvalidParameter($"Invalid value '{path}' for parameter 'path': a directory exists at that path.");
        }
    }

    private async Task<bool> ExistsAsync(ArtifactPath path, CancellationToken ct)
    {
        try
        {
            await _s3.RunAsync(c => c.GetObjectMetadataAsync(Location.Bucket, Key(path), ct), ct);
            return true;
        }
        catch (AmazonS3Exception e) when (S3Errors.IsMissingKey(e))
        {
            return false;
        }
    }

    private async Task<bool> HasChildrenAsync(ArtifactPath path, CancellationToken ct)
    {
        var page = await _s3.RunAsync(c => c.ListObjectsV2Async(new ListObjectsV2Request
        {
            BucketName = Location.Bucket,
            Prefix = DirectoryPrefix(path),
            MaxKeys = 1,
        }, ct), ct);
        return page.S3Objects is { Count: > 0 };
    }

    private async IAsyncEnumerable<ListObjectsV2Response> ListPagesAsync(
        string prefix, string? delimiter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        string? token = null;
        do
        {
            var page = await _s3.RunAsync(c => c.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = Location.Bucket,
                Prefix = prefix,
                Delimiter = delimiter,
                ContinuationToken = token,
            }, ct), ct);
            yield return page;
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
    }

    private async Task DeleteKeysAsync(List<string> keys, CancellationToken ct) =>
        await _s3.RunAsync(c => c.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = Location.Bucket,
            Objects = [.. keys.Select(k => new KeyVersion { Key = k })],
            Quiet = true,
        }, ct), ct);

    // Keys no artifact path can spell (written by other tools: "a//b", a trailing '/', a backslash) cannot be
    // fetched through the store either, so they are not listed.
    private static void AddEntry(List<ArtifactEntry> entries, ArtifactPath directory, string name, long? size)
    {
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal))
        {
            return;
        }
        try
        {
            entries.Add(new ArtifactEntry(directory.Append(ArtifactPath.Parse(name, "path")), size is null, size));
        }
        catch (KeelException)
        {
            // Skipped, as said above.
        }
    }

    private string DirectoryPrefix(ArtifactPath directory) =>
        directory.IsRoot ? _root : Key(directory) + "/";

    private string Key(ArtifactPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.IsRoot)
        {
            throw KeelException.InvalidParameter("Invalid value '' for parameter 'path': it must name a file below the artifact root.");
        }
        var key = _root + path.Value;
        if (Encoding.UTF8.GetByteCount(key) > MaxKeyBytes)
        {
            throw KeelException.InvalidParameter($"Invalid value '{path}' for parameter 'path': it is too long for the artifact store.");
        }
        return key;
    }
}
