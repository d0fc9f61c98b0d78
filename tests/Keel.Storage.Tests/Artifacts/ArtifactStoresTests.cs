using Keel.Storage.FileSystem;
using Keel.Storage.S3;
using Keel.Testing;

namespace Keel.Storage.Tests.Artifacts;

/// <summary>Which store a destination names and how S3 settings come from the environment; nothing is contacted.</summary>
public sealed class ArtifactStoresTests : IDisposable
{
    private readonly TempDirectory _temp = new("keel-artifact-stores");

    public void Dispose() => _temp.Dispose();

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void FromDestination_None_IsLocalArtifactsFolder()
    {
        var store = Assert.IsType<LocalArtifactStore>(ArtifactStores.FromDestination(null, _temp.Path));

        Assert.Equal(Path.Combine(_temp.Path, "artifacts"), store.RootDirectory);
    }

    [Fact]
    public void DataObjectsFor_LocalDestination_IsDataObjectsUnderDataDirectory()
    {
        var store = Assert.IsType<LocalArtifactStore>(ArtifactStores.DataObjectsFor(Path.Combine(_temp.Path, "elsewhere"), _temp.Path));

        Assert.Equal(Path.Combine(_temp.Path, KeelStorage.DataObjectsFolderName), store.RootDirectory);
    }

    [Fact]
    public void FromDestination_S3Uri_IsS3StoreOnBucketAndPrefix()
    {
        using var store = Assert.IsType<S3ArtifactStore>(ArtifactStores.FromDestination("s3://my-bucket/team/mlartifacts/", _temp.Path, Env()));

        Assert.Equal(new S3Destination("my-bucket", "team/mlartifacts"), store.Location);
    }

    [Fact]
    public void DataObjectsFor_S3Uri_IsSiblingPrefix()
    {
        using var store = Assert.IsType<S3ArtifactStore>(ArtifactStores.DataObjectsFor("s3://my-bucket/mlartifacts", _temp.Path, Env()));

        Assert.Equal("s3://my-bucket/mlartifacts-data-objects", store.Location.ToString());
    }

    [Fact]
    public void DataObjectsFor_BucketWithoutPrefix_ThrowsAskingForOne()
    {
        var e = Assert.Throws<ArgumentException>(() => ArtifactStores.DataObjectsFor("s3://my-bucket", _temp.Path, Env()));

        Assert.Contains("s3://my-bucket/artifacts", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("s3://")]
    [InlineData("s3://UPPER/prefix")]
    [InlineData("s3://ab/prefix")]
    [InlineData("s3://bucket/../escape")]
    public void FromDestination_InvalidS3Uri_ThrowsNamingIt(string destination)
    {
        var e = Assert.Throws<ArgumentException>(() => ArtifactStores.FromDestination(destination, _temp.Path, Env()));

        Assert.Contains(destination, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_StandardVariables_AreUsed()
    {
        var options = S3ArtifactStoreOptions.FromEnvironment(new S3Destination("b1b", ""), Env(
            ("AWS_ACCESS_KEY_ID", "id"), ("AWS_SECRET_ACCESS_KEY", "secret"), ("AWS_SESSION_TOKEN", "token"),
            ("AWS_ENDPOINT_URL", "http://minio:9000"), ("AWS_DEFAULT_REGION", "eu-west-1")));

        Assert.Equal(new Uri("http://minio:9000"), options.ServiceUrl);
        Assert.Equal("eu-west-1", options.Region);
        Assert.Equal(("id", "secret", "token"), (options.AccessKeyId, options.SecretAccessKey, options.SessionToken));
    }

    [Fact]
    public void FromEnvironment_EndpointPrecedence_S3SpecificThenGenericThenMlflow()
    {
        var location = new S3Destination("b1b", "");

        Assert.Equal("http://mlflow/", S3ArtifactStoreOptions.FromEnvironment(location,
            Env(("MLFLOW_S3_ENDPOINT_URL", "http://mlflow"))).ServiceUrl?.AbsoluteUri);
        Assert.Equal("http://generic/", S3ArtifactStoreOptions.FromEnvironment(location,
            Env(("MLFLOW_S3_ENDPOINT_URL", "http://mlflow"), ("AWS_ENDPOINT_URL", "http://generic"))).ServiceUrl?.AbsoluteUri);
        Assert.Equal("http://s3/", S3ArtifactStoreOptions.FromEnvironment(location,
            Env(("AWS_ENDPOINT_URL", "http://generic"), ("AWS_ENDPOINT_URL_S3", "http://s3"))).ServiceUrl?.AbsoluteUri);
    }

    [Fact]
    public void FromEnvironment_Nothing_IsAwsInUsEast1WithSdkCredentials()
    {
        var options = S3ArtifactStoreOptions.FromEnvironment(new S3Destination("b1b", ""), Env());

        Assert.Null(options.ServiceUrl);
        Assert.Equal("us-east-1", options.Region);
        Assert.Null(options.AccessKeyId);
        Assert.Equal(8 << 20, options.PartSize);
    }

    [Fact]
    public void FromEnvironment_AwsRegionWinsOverDefaultRegion() =>
        Assert.Equal("ap-south-1", S3ArtifactStoreOptions.FromEnvironment(new S3Destination("b1b", ""),
            Env(("AWS_REGION", "ap-south-1"), ("AWS_DEFAULT_REGION", "eu-west-1"))).Region);

    [Fact]
    public void FromEnvironment_EndpointNotHttp_Throws() =>
        Assert.Throws<ArgumentException>(() => S3ArtifactStoreOptions.FromEnvironment(new S3Destination("b1b", ""),
            Env(("AWS_ENDPOINT_URL", "ftp://host"))));

    [Fact]
    public void Constructor_PartBelowS3MinimumOnAws_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new S3ArtifactStore(
            S3ArtifactStoreOptions.FromEnvironment(new S3Destination("b1b", ""), Env()) with { PartSize = 1 << 20 }));
}
