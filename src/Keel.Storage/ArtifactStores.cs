using Keel.Core.Artifacts;
using Keel.Storage.FileSystem;
using Keel.Storage.S3;

namespace Keel.Storage;

/// <summary>
/// Opens the blob stores an artifacts destination names: a folder or <c>file:///…</c> URI gives a
/// <see cref="LocalArtifactStore"/>, <c>s3://bucket/prefix</c> an <see cref="S3ArtifactStore"/> configured from
/// the standard AWS variables (see <see cref="S3ArtifactStoreOptions.FromEnvironment"/>).
/// </summary>
public static class ArtifactStores
{
    /// <summary>
    /// The artifact store of <paramref name="destination"/>: null or empty means
    /// <c>&lt;dataDirectory&gt;/artifacts</c>. Unsupported schemes throw <see cref="ArgumentException"/> naming them.
    /// </summary>
    /// <param name="destination">Folder, <c>file:///</c> URI or <c>s3://bucket/prefix</c>.</param>
    /// <param name="dataDirectory">The server's data folder.</param>
    /// <param name="environment">Reads one variable [default: the process environment].</param>
    public static IArtifactStore FromDestination(string? destination, string dataDirectory, Func<string, string?>? environment = null)
    {
        if (S3Destination.IsS3Uri(destination))
        {
            return OpenS3(S3Destination.Parse(destination!), environment);
        }
        return LocalArtifactStore.FromDestination(destination, dataDirectory);
    }

    /// <summary>
    /// The store of data chunks and manifests that goes with the artifacts at <paramref name="destination"/>,
    /// never mixed with them: locally <c>&lt;dataDirectory&gt;/data-objects</c> whatever the artifacts folder;
    /// for <c>s3://bucket/prefix</c> the sibling prefix <c>s3://bucket/prefix-data-objects</c> (so
    /// <c>s3://bucket</c> alone is refused: the bucket's top has no sibling).
    /// </summary>
    /// <param name="destination">The artifacts destination, as for <see cref="FromDestination"/>.</param>
    /// <param name="dataDirectory">The server's data folder.</param>
    /// <param name="environment">Reads one variable [default: the process environment].</param>
    public static IArtifactStore DataObjectsFor(string? destination, string dataDirectory, Func<string, string?>? environment = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        if (S3Destination.IsS3Uri(destination))
        {
            return OpenS3(S3Destination.Parse(destination!).DataObjectsDestination(), environment);
        }
        return new LocalArtifactStore(Path.Combine(dataDirectory, KeelStorage.DataObjectsFolderName));
    }

    private static S3ArtifactStore OpenS3(S3Destination location, Func<string, string?>? environment) =>
        new(S3ArtifactStoreOptions.FromEnvironment(location, environment ?? Environment.GetEnvironmentVariable));
}
