using Keel.Core.Common;

namespace Keel.Core.Models.Packages;

/// <summary>Reads and writes <see cref="MlModel"/> with MLflow's key names.</summary>
internal static class MlModelYaml
{
    private const string What = "The MLmodel file";

    private static readonly HashSet<string> KnownKeys =
    [
        "artifact_path", "run_id", "model_uuid", "utc_time_created", "model_size_bytes", "mlflow_version",
        "flavors", "signature", "saved_input_example_info", "metadata",
    ];

    public static MlModel Read(string yaml)
    {
        var root = YamlTree.Load(yaml, What) switch
        {
            IReadOnlyDictionary<string, object?> map => map,
            null => throw KeelException.InvalidParameter($"{What} is empty; it needs at least a 'flavors' mapping."),
            _ => throw KeelException.InvalidParameter($"{What} must be a YAML mapping of fields such as 'flavors' and 'signature'."),
        };
        if (!root.TryGetValue("flavors", out var flavors) || flavors is null)
        {
            throw KeelException.InvalidParameter($"{What} has no 'flavors' mapping; every MLflow model names at least one flavor.");
        }

        var additional = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in root.Where(e => !KnownKeys.Contains(e.Key)))
        {
            additional.Add(key, value);
        }
        return new MlModel
        {
            ArtifactPath = Text(root, "artifact_path"),
            RunId = Text(root, "run_id"),
            ModelUuid = Text(root, "model_uuid"),
            UtcTimeCreated = Text(root, "utc_time_created"),
            ModelSizeBytes = root.GetValueOrDefault("model_size_bytes") switch
            {
                null => null,
                long size => size,
                _ => throw KeelException.InvalidParameter($"{What} field 'model_size_bytes' must be a whole number."),
            },
            MlflowVersion = Text(root, "mlflow_version"),
            Flavors = ReadFlavors(flavors),
            Signature = ReadSignature(root.GetValueOrDefault("signature")),
            SavedInputExampleInfo = Mapping(root, "saved_input_example_info"),
            Metadata = Mapping(root, "metadata"),
            AdditionalFields = additional,
        };
    }

    public static string Write(MlModel model)
    {
        var root = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in model.AdditionalFields)
        {
            root[key] = value;
        }
        Put(root, "artifact_path", model.ArtifactPath);
        Put(root, "run_id", model.RunId);
        Put(root, "model_uuid", model.ModelUuid);
        Put(root, "utc_time_created", model.UtcTimeCreated);
        Put(root, "model_size_bytes", model.ModelSizeBytes);
        Put(root, "mlflow_version", model.MlflowVersion);
        root["flavors"] = model.Flavors.ToDictionary(f => f.Key, f => (object?)f.Value, StringComparer.Ordinal);
        Put(root, "signature", model.Signature is { } signature
            ? new Dictionary<string, object?>
            {
                ["inputs"] = signature.Inputs?.ToJson(),
                ["outputs"] = signature.Outputs?.ToJson(),
                ["params"] = signature.Params is { } p ? ModelSignature.ParamsToJson(p) : null,
            }
            : null);
        Put(root, "saved_input_example_info", model.SavedInputExampleInfo);
        Put(root, "metadata", model.Metadata);
        return YamlTree.Emit(root);
    }

    private static void Put(Dictionary<string, object?> root, string key, object? value)
    {
        if (value is null)
        {
            root.Remove(key);
        }
        else
        {
            root[key] = value;
        }
    }

    private static OrderedDictionary<string, IReadOnlyDictionary<string, object?>> ReadFlavors(object flavors)
    {
        if (flavors is not IReadOnlyDictionary<string, object?> map)
        {
            throw KeelException.InvalidParameter($"{What} field 'flavors' must be a mapping of flavor name to its configuration.");
        }
        var result = new OrderedDictionary<string, IReadOnlyDictionary<string, object?>>(StringComparer.Ordinal);
        foreach (var (name, configuration) in map)
        {
            result.Add(name, configuration as IReadOnlyDictionary<string, object?>
                ?? throw KeelException.InvalidParameter($"{What} flavor '{name}' must be a mapping of its settings."));
        }
        return result;
    }

    private static ModelSignature? ReadSignature(object? value)
    {
        if (value is null)
        {
            return null;
        }
        if (value is not IReadOnlyDictionary<string, object?> map)
        {
            throw KeelException.InvalidParameter($"{What} field 'signature' must be a mapping with 'inputs', 'outputs' and 'params'.");
        }
        var inputs = Json(map, "inputs");
        var outputs = Json(map, "outputs");
        var parameters = Json(map, "params");
        return new ModelSignature(
            inputs is null ? null : SignatureSchema.Parse(inputs),
            outputs is null ? null : SignatureSchema.Parse(outputs),
            parameters is null ? null : ModelSignature.ParseParams(parameters));
    }

    // MLflow stores each part of the signature as a JSON string inside the YAML.
    private static string? Json(IReadOnlyDictionary<string, object?> signature, string key) => signature.GetValueOrDefault(key) switch
    {
        null => null,
        string json => json,
        _ => throw KeelException.InvalidParameter($"{What} field 'signature.{key}' must be a JSON string, as MLflow writes it."),
    };

    private static string? Text(IReadOnlyDictionary<string, object?> root, string key) =>
        root.GetValueOrDefault(key) is { } value ? MlModel.ScalarText(value, key) : null;

    private static IReadOnlyDictionary<string, object?>? Mapping(IReadOnlyDictionary<string, object?> root, string key) => root.GetValueOrDefault(key) switch
    {
        null => null,
        IReadOnlyDictionary<string, object?> map => map,
        _ => throw KeelException.InvalidParameter($"{What} field '{key}' must be a mapping."),
    };
}
