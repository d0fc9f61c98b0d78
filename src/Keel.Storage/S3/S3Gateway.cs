using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace Keel.Storage.S3;

/// <summary>
/// The SDK client of one store and the one place its failures are sorted: every call goes through
/// <see cref="RunAsync{T}"/>, so an unreachable store always surfaces as BlobStoreUnavailableException.
/// </summary>
internal sealed class S3Gateway(IAmazonS3 client, S3Destination location, Uri? serviceUrl) : IDisposable
{
    public IAmazonS3 Client => client;

    public S3Destination Location => location;

    public Uri? ServiceUrl => serviceUrl;

    public static S3Gateway Create(S3ArtifactStoreOptions options)
    {
        var custom = options.ServiceUrl is not null;
        var config = new AmazonS3Config
        {
            ConnectTimeout = options.ConnectTimeout,
            Timeout = options.RequestTimeout,
            MaxErrorRetry = options.MaxRetries,
            // S3-compatible servers address buckets by path and do not all understand the flexible checksums
            // the SDK sends by default; AWS itself keeps the SDK's defaults.
            ForcePathStyle = custom,
            RequestChecksumCalculation = custom ? RequestChecksumCalculation.WHEN_REQUIRED : RequestChecksumCalculation.WHEN_SUPPORTED,
            ResponseChecksumValidation = custom ? ResponseChecksumValidation.WHEN_REQUIRED : ResponseChecksumValidation.WHEN_SUPPORTED,
        };
        if (custom)
        {
            config.ServiceURL = options.ServiceUrl!.AbsoluteUri;
            config.AuthenticationRegion = options.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        var client = options.AccessKeyId is null
            ? new AmazonS3Client(config)
            : new AmazonS3Client(Credentials(options), config);
        return new S3Gateway(client, options.Location, options.ServiceUrl);
    }

    public async Task<T> RunAsync<T>(Func<IAmazonS3, Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await call(client);
        }
        catch (Exception e) when (S3Errors.IsUnavailable(e, ct))
        {
            throw S3Errors.Unavailable(location, serviceUrl, e);
        }
    }

    public void Dispose() => client.Dispose();

    private static AWSCredentials Credentials(S3ArtifactStoreOptions options) =>
        options.SessionToken is null
            ? new BasicAWSCredentials(options.AccessKeyId, options.SecretAccessKey)
            : new SessionAWSCredentials(options.AccessKeyId, options.SecretAccessKey, options.SessionToken);
}
