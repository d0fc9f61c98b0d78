using System.Globalization;
using Keel.Core.Common;

namespace Keel.Core.Models.Packages;

/// <summary>
/// MLflow's <c>MLmodel</c> file: the descriptor at the root of every model package, naming its flavors (the ways
/// to load it), its signature and where it came from. <see cref="Parse"/> keeps every key it does not model in
/// <see cref="AdditionalFields"/>, so <see cref="ToYaml"/> writes back the same content.
/// </summary>
public sealed record MlModel
{
    /// <summary>The file's name inside a model package.</summary>
    public const string FileName = "MLmodel";

    private const string UtcTimeFormat = "yyyy-MM-dd HH:mm:ss.ffffff";

    private static readonly IReadOnlyDictionary<string, object?> NoFields = new Dictionary<string, object?>();

    /// <summary>The package's path inside its run's artifacts (<c>artifact_path</c>), e.g. <c>model</c>.</summary>
    public string? ArtifactPath { get; init; }

    /// <summary>The run that logged the package (<c>run_id</c>).</summary>
    public string? RunId { get; init; }

    /// <summary>The package's own id (<c>model_uuid</c>).</summary>
    public string? ModelUuid { get; init; }

    /// <summary>
    /// When the package was created (<c>utc_time_created</c>), as MLflow's text <c>YYYY-MM-DD HH:MM:SS.ffffff</c>
    /// in UTC; see <see cref="FormatUtcTime"/> and <see cref="TryParseUtcTime"/>.
    /// </summary>
    public string? UtcTimeCreated { get; init; }

    /// <summary>The size of the package's files in bytes (<c>model_size_bytes</c>).</summary>
    public long? ModelSizeBytes { get; init; }

    /// <summary>The version of the MLflow client that wrote the package (<c>mlflow_version</c>).</summary>
    public string? MlflowVersion { get; init; }

    /// <summary>
    /// Flavor name to its configuration, in file order. Values are string, long, double, bool, null, nested
    /// <see cref="IReadOnlyDictionary{TKey,TValue}"/> of string to value, or <see cref="IReadOnlyList{T}"/>.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> Flavors { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, object?>>();

    /// <summary>The model's signature, or null when it was logged without one.</summary>
    public ModelSignature? Signature { get; init; }

    /// <summary>
    /// Where the input example is stored and how (<c>saved_input_example_info</c>: <c>artifact_path</c>,
    /// <c>type</c>, <c>pandas_orient</c>, <c>serving_input_path</c> …), every key kept; null when absent.
    /// </summary>
    public IReadOnlyDictionary<string, object?>? SavedInputExampleInfo { get; init; }

    /// <summary>User metadata (<c>metadata</c>), or null when absent.</summary>
    public IReadOnlyDictionary<string, object?>? Metadata { get; init; }

    /// <summary>
    /// Every other top-level key, kept as read so that writing the file loses nothing. A key that is also a
    /// property above is written from the property.
    /// </summary>
    public IReadOnlyDictionary<string, object?> AdditionalFields { get; init; } = NoFields;

    /// <summary>
    /// Reads an MLmodel file. Throws <see cref="KeelException"/> (INVALID_PARAMETER_VALUE) saying what is wrong
    /// when the text is not YAML, has no <c>flavors</c> mapping, or a known field has the wrong shape.
    /// </summary>
    public static MlModel Parse(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        return MlModelYaml.Read(yaml);
    }

    /// <summary>
    /// The file as the MLflow client writes it: block YAML, keys in alphabetical order, signature parts as JSON
    /// strings, <c>params: null</c> when the signature has none.
    /// </summary>
    public string ToYaml() => MlModelYaml.Write(this);

    /// <summary>A copy with <paramref name="name"/> set to <paramref name="configuration"/> (replaced in place if present).</summary>
    public MlModel WithFlavor(string name, IReadOnlyDictionary<string, object?> configuration)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(configuration);
        var flavors = new OrderedDictionary<string, IReadOnlyDictionary<string, object?>>(StringComparer.Ordinal);
        foreach (var (key, value) in Flavors)
        {
            flavors[key] = value;
        }
        flavors[name] = configuration;
        return this with { Flavors = flavors };
    }

    /// <summary>The configuration of <paramref name="flavor"/>, or null when the package has no such flavor.</summary>
    public IReadOnlyDictionary<string, object?>? GetFlavor(string flavor) => Flavors.GetValueOrDefault(flavor);

    /// <summary>
    /// The text of <paramref name="key"/> in <paramref name="flavor"/>'s configuration (numbers and booleans in
    /// invariant form); null when the flavor or key is missing or null. Throws INVALID_PARAMETER_VALUE when the
    /// value is a mapping or list.
    /// </summary>
    public string? GetString(string flavor, string key) =>
        GetFlavor(flavor)?.GetValueOrDefault(key) is { } value ? ScalarText(value, $"flavors.{flavor}.{key}") : null;

    /// <summary><paramref name="time"/> in UTC as MLflow writes <c>utc_time_created</c>: <c>2024-01-05 14:16:39.626123</c>.</summary>
    public static string FormatUtcTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString(UtcTimeFormat, CultureInfo.InvariantCulture);

    /// <summary>Reads MLflow's <c>utc_time_created</c> text (microseconds optional) as a UTC time.</summary>
    public static bool TryParseUtcTime(string? text, out DateTimeOffset time) =>
        DateTimeOffset.TryParseExact(text, [UtcTimeFormat, "yyyy-MM-dd HH:mm:ss"], CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    internal static string ScalarText(object value, string field) => value switch
    {
        string text => text,
        bool flag => flag ? "true" : "false",
        double number => YamlScalars.FormatDouble(number),
        IFormattable number and not System.Collections.IEnumerable => number.ToString(null, CultureInfo.InvariantCulture),
        _ => throw KeelException.InvalidParameter($"MLmodel field '{field}' must be a single value, not a mapping or list."),
    };
}
