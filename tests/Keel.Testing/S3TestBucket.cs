using Keel.Core.Artifacts;
using Keel.Storage.S3;

namespace Keel.Testing;

/// <summary>
/// A fresh random prefix in the test bucket named by <c>KEEL_TEST_S3_BUCKET</c> on the S3-compatible server at
/// <c>KEEL_TEST_S3_ENDPOINT</c> (credentials from <c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c>), emptied on
/// dispose together with its data-objects sibling. Missing variables fail the test: S3 runs are never skipped.
/// </summary>
public sealed class S3TestBucket : IAsyncDisposable
{
    public const string EndpointVariable = "KEEL_TEST_S3_ENDPOINT";
    public const string BucketVariable = "KEEL_TEST_S3_BUCKET";

    private readonly List<S3ArtifactStore> _opened = [];

    public S3TestBucket(string prefix = "keel-test")
    {
        Endpoint = new Uri(Required(EndpointVariable));
        Location = new S3Destination(Required(BucketVariable), $"{prefix}-{Guid.NewGuid():N}");
    }

    public Uri Endpoint { get; }

    /// <summary>This instance's own bucket and prefix.</summary>
    public S3Destination Location { get; }

    /// <summary>The artifacts destination a user would configure for <see cref="Location"/>.</summary>
    public string Destination => Location.ToString();

    /// <summary>The variables <c>ArtifactStores</c> reads, pointing at the test server (whatever the process has).</summary>
    public string? Environment(string name) => name switch
    {
        "AWS_ENDPOINT_URL_S3" or "AWS_ENDPOINT_URL" => Endpoint.AbsoluteUri,
        "AWS_REGION" => "us-east-1",
        _ => System.Environment.GetEnvironmentVariable(name),
    };

    /// <summary>Options for <paramref name="location"/> (default: <see cref="Location"/>) on the test server.</summary>
    public S3ArtifactStoreOptions Options(S3Destination? location = null) =>
        S3ArtifactStoreOptions.FromEnvironment(location ?? Location, Environment);

    /// <summary>A store on <see cref="Location"/>, disposed with this bucket; <paramref name="configure"/> may adjust the options.</summary>
    public S3ArtifactStore OpenStore(Func<S3ArtifactStoreOptions, S3ArtifactStoreOptions>? configure = null)
    {
        var options = Options();
        var store = new S3ArtifactStore(configure is null ? options : configure(options));
        _opened.Add(store);
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var location in new[] { Location, Location.DataObjectsDestination() })
        {
            using var store = new S3ArtifactStore(Options(location));
            try
            {
                await store.DeleteAsync(ArtifactPath.Root);
            }
            catch (BlobStoreUnavailableException)
            {
                // The server is gone (a test stopped it, or the run is ending); its folder goes with it.
            }
        }
        foreach (var store in _opened)
        {
            store.Dispose();
        }
    }

    private static string Required(string name) =>
        System.Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set (e.g. {EndpointVariable}=http://127.0.0.1:4568, {BucketVariable}=keel-test): run ./test.sh, which starts the S3 test server.");
}
