namespace Keel.Storage.S3;

/// <summary>
/// A bucket and a key prefix, spelled <c>s3://bucket/prefix</c> as MLflow spells artifact destinations.
/// <see cref="Prefix"/> is normalized: no leading, trailing or doubled <c>/</c>; empty for the bucket's top.
/// </summary>
public sealed record S3Destination
{
    public const string Scheme = "s3";

    /// <summary>The suffix of the data-objects prefix beside an artifact prefix (see <see cref="DataObjectsDestination"/>).</summary>
    public const string DataObjectsSuffix = "-data-objects";

    public S3Destination(string bucket, string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        ArgumentNullException.ThrowIfNull(prefix);
        Bucket = bucket;
        Prefix = string.Join('/', prefix.Split('/', StringSplitOptions.RemoveEmptyEntries));
    }

    public string Bucket { get; }

    public string Prefix { get; }

    /// <summary>True for <c>s3://…</c> (any case).</summary>
    public static bool IsS3Uri(string? destination) =>
        destination is not null && destination.StartsWith(Scheme + "://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses <c>s3://bucket</c> or <c>s3://bucket/prefix/…</c>; anything else is refused naming the rule.</summary>
    public static S3Destination Parse(string destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (!IsS3Uri(destination))
        {
            throw Invalid(destination, "expected s3://bucket/prefix");
        }
        var rest = destination[(Scheme.Length + 3)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? string.Empty : rest[(slash + 1)..];
        if (!IsBucketName(bucket))
        {
            throw Invalid(destination, "the bucket name must be 3 to 63 lowercase letters, digits, '.' or '-'");
        }
        if (prefix.IndexOfAny(['?', '#', '\\']) >= 0 || prefix.Split('/').Any(s => s is "." or ".."))
        {
            throw Invalid(destination, "the prefix must not contain '?', '#', '\\', '.' or '..' segments");
        }
        return new S3Destination(bucket, prefix);
    }

    /// <summary>
    /// Where data chunks and manifests go for artifacts at this location: the sibling prefix
    /// <c>&lt;prefix&gt;-data-objects</c> (<c>s3://b/mlartifacts</c> → <c>s3://b/mlartifacts-data-objects</c>),
    /// so data never mixes with artifacts and each artifact prefix has its own. The bucket's top has no sibling,
    /// so a prefix is required.
    /// </summary>
    public S3Destination DataObjectsDestination() =>
        Prefix.Length == 0
            ? throw Invalid(ToString(), $"name a prefix (s3://{Bucket}/artifacts): data objects are kept beside it, never mixed into the artifacts")
            : new S3Destination(Bucket, Prefix + DataObjectsSuffix);

    public override string ToString() => Prefix.Length == 0 ? $"s3://{Bucket}" : $"s3://{Bucket}/{Prefix}";

    private static bool IsBucketName(string name) =>
        name.Length is >= 3 and <= 63
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-')
        && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1]);

    // A configuration mistake, reported like LocalArtifactStore.FromDestination reports one.
    private static ArgumentException Invalid(string destination, string rule) =>
        new($"Invalid artifacts destination '{destination}': {rule}.", nameof(destination));
}
