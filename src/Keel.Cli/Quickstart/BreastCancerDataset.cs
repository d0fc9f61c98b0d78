using System.Text.Json.Nodes;
using Keel.Contracts.Mlflow;

namespace Keel.Cli.Quickstart;

/// <summary>
/// The Wisconsin diagnostic breast-cancer data (examples/data/breast-cancer), embedded in the tool so the
/// quickstart runs from any folder, and written out to a real file so runs can name it as their source.
/// </summary>
internal sealed class BreastCancerDataset
{
    public const string Name = "breast-cancer-wisconsin";
    public const string FileName = "breast_cancer.csv";
    public const string LabelColumn = "label";

    private const string ResourceName = "Keel.Cli.Quickstart.breast_cancer.csv";

    private BreastCancerDataset(string path, IReadOnlyList<string> featureNames, int rows)
    {
        Path = path;
        FeatureNames = featureNames;
        Rows = rows;
    }

    /// <summary>The CSV on disk: a header row, 30 numeric features, then <c>label</c> (1 = malignant, 0 = benign).</summary>
    public string Path { get; }

    /// <summary>
    /// The digest runs record for this input: the manifest hash of its dataset version once it is versioned
    /// (<see cref="QuickstartData"/>), so lineage from a model version reaches the data; null before.
    /// </summary>
    public string? Digest { get; set; }

    public IReadOnlyList<string> FeatureNames { get; }

    public int Rows { get; }

    /// <summary>Writes the embedded CSV into <paramref name="directory"/> (unless an identical copy is there) and describes it.</summary>
    public static async Task<BreastCancerDataset> WriteToAsync(string directory, CancellationToken ct)
    {
        var bytes = await ReadResourceAsync(ct);
        Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(directory, FileName);
        if (!File.Exists(path) || !(await File.ReadAllBytesAsync(path, ct)).AsSpan().SequenceEqual(bytes))
        {
            // Written aside and moved into place: two quickstarts sharing a folder never see a half-written file.
            var partial = $"{path}.{Guid.NewGuid():N}.partial";
            await File.WriteAllBytesAsync(partial, bytes, ct);
            File.Move(partial, path, overwrite: true);
        }

        var lines = System.Text.Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var columns = lines[0].Split(',');
        if (columns[^1] != LabelColumn)
        {
            throw new InvalidDataException($"The embedded {FileName} must end with a '{LabelColumn}' column.");
        }

        return new BreastCancerDataset(path, columns[..^1], lines.Length - 1);
    }

    /// <summary>
    /// Describes a CSV of the same shape already on disk (e.g. a newer version of the dataset, fetched by a pipeline
    /// stage); its last column must be <see cref="LabelColumn"/>.
    /// </summary>
    public static async Task<BreastCancerDataset> ReadAsync(string path, CancellationToken ct)
    {
        var lines = (await File.ReadAllLinesAsync(path, ct)).Where(l => !string.IsNullOrWhiteSpace(l)).ToArray();
        var columns = lines.Length > 0 ? lines[0].Trim().Split(',') : [];
        if (columns.Length < 2 || columns[^1] != LabelColumn)
        {
            throw new CliException($"{path}: expected a CSV header ending with a '{LabelColumn}' column");
        }

        return new BreastCancerDataset(System.IO.Path.GetFullPath(path), columns[..^1], lines.Length - 1);
    }

    /// <summary>The dataset as MLflow's log-inputs records it: a local file, its digest, column schema and size.</summary>
    public DatasetInputDto ToTrainingInput() => new()
    {
        Dataset = new DatasetDto
        {
            Name = Name,
            Digest = Digest ?? throw new InvalidOperationException("Version the dataset before logging it as an input."),
            SourceType = "local",
            Source = Path,
            Schema = SchemaJson(),
            Profile = new JsonObject { ["num_rows"] = Rows, ["num_elements"] = Rows * (FeatureNames.Count + 1) }.ToJsonString(),
        },
        Tags = [new KeyValue("mlflow.data.context", "training")],
    };

    /// <summary>MLflow's column-spec schema, so MLflow's UI and clients can read it.</summary>
    private string SchemaJson()
    {
        var columns = new JsonArray();
        foreach (var feature in FeatureNames)
        {
            columns.Add(new JsonObject { ["type"] = "double", ["name"] = feature, ["required"] = true });
        }

        columns.Add(new JsonObject { ["type"] = "long", ["name"] = LabelColumn, ["required"] = true });
        return new JsonObject { ["mlflow_colspec"] = columns }.ToJsonString();
    }

    private static async Task<byte[]> ReadResourceAsync(CancellationToken ct)
    {
        await using var stream = typeof(BreastCancerDataset).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The keel assembly lacks its embedded {ResourceName}.");
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }
}
