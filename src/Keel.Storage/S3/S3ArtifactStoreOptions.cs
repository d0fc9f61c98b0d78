namespace Keel.Storage.S3;

/// <summary>How an <see cref="S3ArtifactStore"/> reaches its bucket.</summary>
public sealed record S3ArtifactStoreOptions
{
    /// <summary>The smallest part S3 accepts in a multipart upload (every part but the last): 5 MiB.</summary>
    public const int MinimumS3PartSize = 5 << 20;

    /// <summary>The default <see cref="PartSize"/>: 8 MiB.</summary>
    public const int DefaultPartSize = 8 << 20;

    /// <summary>Bucket and key prefix of the artifact root.</summary>
    public required S3Destination Location { get; init; }

    /// <summary>
    /// An S3-compatible endpoint (MinIO, Ceph, s3rver …); null [default] means AWS S3 in <see cref="Region"/>.
    /// A custom endpoint turns on path-style addressing and checksums only where S3 requires them, which
    /// third-party servers expect.
    /// </summary>
    public Uri? ServiceUrl { get; init; }

    /// <summary>The region requests are signed for [default: us-east-1].</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>Access key; null [default] uses the AWS SDK's credential chain (profiles, instance roles …).</summary>
    public string? AccessKeyId { get; init; }

    /// <summary>Secret key, used with <see cref="AccessKeyId"/>.</summary>
    public string? SecretAccessKey { get; init; }

    /// <summary>Session token of temporary credentials, used with <see cref="AccessKeyId"/> [default: none].</summary>
    public string? SessionToken { get; init; }

    /// <summary>
    /// Bytes per part of a multipart upload and the most one upload buffers [default: 8 MiB]. Content up to
    /// this size goes in one PUT. S3 itself needs at least <see cref="MinimumS3PartSize"/> and allows
    /// 10,000 parts, so the default caps one object near 78 GiB.
    /// </summary>
    public int PartSize { get; init; } = DefaultPartSize;

    /// <summary>How long to wait for a connection [default: 5 s]; an unreachable store fails after this.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one request (e.g. one part) may take [default: 100 s].</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Retries of a failed request before the store counts as unavailable [default: 2].</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>
    /// Builds options for <paramref name="location"/> from the standard variables: <c>AWS_ACCESS_KEY_ID</c>,
    /// <c>AWS_SECRET_ACCESS_KEY</c>, <c>AWS_SESSION_TOKEN</c>; the endpoint from <c>AWS_ENDPOINT_URL_S3</c>, else
    /// <c>AWS_ENDPOINT_URL</c>, else MLflow's <c>MLFLOW_S3_ENDPOINT_URL</c>; the region from <c>AWS_REGION</c>,
    /// else <c>AWS_DEFAULT_REGION</c>, else us-east-1.
    /// </summary>
    /// <param name="location">Bucket and prefix.</param>
    /// <param name="environment">Reads one variable (e.g. <see cref="Environment.GetEnvironmentVariable(string)"/>).</param>
    public static S3ArtifactStoreOptions FromEnvironment(S3Destination location, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(environment);
        string? Read(string name) => environment(name) is { Length: > 0 } value ? value : null;

        var endpoint = Read("AWS_ENDPOINT_URL_S3") ?? Read("AWS_ENDPOINT_URL") ?? Read("MLFLOW_S3_ENDPOINT_URL");
        Uri? serviceUrl = null;
        if (endpoint is not null
            && (!Uri.TryCreate(endpoint, UriKind.Absolute, out serviceUrl) || serviceUrl.Scheme is not ("http" or "https")))
        {
            throw new ArgumentException($"Invalid S3 endpoint '{endpoint}': expected an http:// or https:// URL.", nameof(environment));
        }
        return new S3ArtifactStoreOptions
        {
            Location = location,
            ServiceUrl = serviceUrl,
            Region = Read("AWS_REGION") ?? Read("AWS_DEFAULT_REGION") ?? "us-east-1",
            AccessKeyId = Read("AWS_ACCESS_KEY_ID"),
            SecretAccessKey = Read("AWS_SECRET_ACCESS_KEY"),
            SessionToken = Read("AWS_SESSION_TOKEN"),
        };
    }
}
