using System.Reflection;
using Keel.Core.Models;
using Keel.Core.Models.Json;
using Keel.Core.Models.Packages;
using Keel.Models.MlNet;
using Keel.Models.Onnx;
using Microsoft.ML;

namespace Keel.Models.Packages;

/// <summary>
/// Writes model packages in MLflow's layout: an <c>MLmodel</c> file naming the flavors, the signature and the
/// input example, beside the model's files. The <c>mlnet</c> flavor is Keel's own; the <c>onnx</c> flavor
/// follows MLflow's (with a <c>python_function</c> flavor loading it through <c>mlflow.onnx</c>), so Python
/// MLflow clients can load what Keel writes.
/// </summary>
public static class ModelPackageWriter
{
    public const string MlNetModelFile = "model.zip";
    public const string OnnxModelFile = "model.onnx";
    public const string InputExampleFile = "input_example.json";

    // The ONNX release that defines what the exporter writes (IR 8, opset 17, ai.onnx.ml 3); MLflow records the
    // onnx package's version here.
    private const string OnnxSpecVersion = "1.12.0";

    /// <summary>
    /// Saves an ML.NET model with the schema it reads as an <c>mlnet</c> package. The signature is what the saved
    /// model reads and returns; <paramref name="inputExample"/> (a few rows, optional) is stored as
    /// <c>input_example.json</c> and is what <see cref="AddOnnxFlavor"/> checks the export against.
    /// </summary>
    public static MlModel WriteMlNet(string directory, ITransformer model, DataViewSchema inputSchema, DataBatch? inputExample, ModelPackageInfo info)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentNullException.ThrowIfNull(info);
        Directory.CreateDirectory(directory);
        var modelFile = Path.Combine(directory, MlNetModelFile);
        new MLContext().Model.Save(model, inputSchema, modelFile);

        using var predictor = MlNetPredictor.Load(modelFile);
        var mlModel = Describe(info, predictor, inputExample is null ? null : WriteInputExample(directory, predictor, inputExample))
            .WithFlavor(ModelFlavors.MlNet, new Dictionary<string, object?>
            {
                ["mlnet_version"] = VersionOf(typeof(MLContext).Assembly),
                ["model_path"] = MlNetModelFile,
            });
        return Save(directory, mlModel);
    }

    /// <summary>
    /// Copies an ONNX file into an <c>onnx</c> package. Without <paramref name="signature"/> the signature is
    /// what ONNX Runtime reports for the graph's inputs and outputs.
    /// </summary>
    public static MlModel WriteOnnx(string directory, string onnxFile, ModelSignature? signature, DataBatch? inputExample, ModelPackageInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        Directory.CreateDirectory(directory);
        File.Copy(onnxFile, Path.Combine(directory, OnnxModelFile), overwrite: true);
        using var predictor = OnnxPredictor.Load(Path.Combine(directory, OnnxModelFile));
        var mlModel = Describe(info, predictor, inputExample is null ? null : WriteInputExample(directory, predictor, inputExample));
        if (signature is not null)
        {
            mlModel = mlModel with { Signature = signature };
        }

        return Save(directory, AddOnnxFlavors(directory, mlModel));
    }

    /// <summary>
    /// Exports the package's ML.NET model to ONNX and adds the <c>onnx</c> flavor, after checking that ONNX
    /// Runtime's outputs match ML.NET's on the package's input example (within 1e-5, relative for large values).
    /// A model ONNX cannot express, a package without an input example, or outputs that differ leave the
    /// package unchanged and throw <see cref="Core.Common.KeelException"/> saying why.
    /// </summary>
    public static OnnxExportCheck AddOnnxFlavor(string directory)
    {
        var mlModel = ModelPackage.ReadMlModel(directory);
        if (mlModel.GetFlavor(ModelFlavors.MlNet) is null)
        {
            throw new Core.Common.KeelException(Core.Common.ErrorCode.InvalidState,
                $"Only ML.NET models can be exported to ONNX; the package's flavors are {string.Join(", ", mlModel.Flavors.Keys)}.");
        }

        var flavor = FlavorSelector.Select(mlModel with { Flavors = mlModel.Flavors.Where(f => f.Key == ModelFlavors.MlNet).ToDictionary() });
        var mlNetFile = Path.Combine(directory, flavor.DataPath.Value);
        var example = ReadInputExample(directory, mlModel)
            ?? throw new Core.Common.KeelException(Core.Common.ErrorCode.InvalidState,
                "The package has no input example, so the ONNX export cannot be checked against ML.NET; log the model with an input example.");

        var ml = new MLContext();
        var transformer = ml.Model.Load(mlNetFile, out var inputSchema);
        var onnxFile = Path.Combine(directory, OnnxModelFile);
        var partial = onnxFile + ".partial";
        OnnxExporter.Save(transformer, inputSchema, partial);
        OnnxExportCheck check;
        using (var expected = MlNetPredictor.Load(mlNetFile))
        using (var actual = OnnxPredictor.Load(partial))
        {
            check = OnnxExportCheck.Compare(expected, actual, example);
        }

        if (!check.Passed)
        {
            File.Delete(partial);
            throw new Core.Common.KeelException(Core.Common.ErrorCode.InvalidState, $"The ONNX export does not match ML.NET on the input example: {check.Describe()}");
        }

        File.Move(partial, onnxFile, overwrite: true);
        Save(directory, AddOnnxFlavors(directory, mlModel));
        return check;
    }

    /// <summary>
    /// The package's input example read against the schema its model takes, or null when it has none. MLflow
    /// writes a data frame (<c>type: dataframe</c>) in pandas' split orientation and tensors (<c>type: ndarray</c>)
    /// as TensorFlow Serving's <c>{"inputs": ...}</c>; any other type throws INVALID_PARAMETER_VALUE naming it.
    /// </summary>
    public static DataBatch? ReadInputExample(string directory, MlModel mlModel)
    {
        ArgumentNullException.ThrowIfNull(mlModel);
        var info = mlModel.SavedInputExampleInfo;
        if (info?.GetValueOrDefault("artifact_path") is not string relative)
        {
            return null;
        }

        // Before MLflow recorded the type, every example was a split-oriented data frame.
        var type = info.GetValueOrDefault("type") as string ?? "dataframe";
        Func<string, IReadOnlyList<ColumnSchema>, DataBatch> read = type switch
        {
            "dataframe" => DataFrameSplitJson.Read,
            "ndarray" => TensorInputsJson.Read,
            _ => throw Core.Common.KeelException.InvalidParameter(
                $"The input example is of type '{type}'; Keel reads only 'dataframe' (pandas split orientation) and 'ndarray' (tf-serving) examples."),
        };
        var path = Path.Combine(directory, Core.Artifacts.ArtifactPath.Parse(relative, "saved_input_example_info.artifact_path").Value);
        var json = File.ReadAllText(path);
        if (info.GetValueOrDefault("params") is not null)
        {
            // An example saved with inference params wraps its data: {"inputs": <example>, "params": {...}}.
            json = UnwrapExampleData(json);
        }

        using var loaded = ModelPackage.Load(directory);
        return read(json, loaded.Inputs);

        static string UnwrapExampleData(string json)
        {
            try
            {
                return System.Text.Json.Nodes.JsonNode.Parse(json)?["inputs"]?.ToJsonString()
                    ?? throw Core.Common.KeelException.InvalidParameter("The input example saved with params has no 'inputs' field.");
            }
            catch (System.Text.Json.JsonException e)
            {
                throw Core.Common.KeelException.InvalidParameter($"The input example is not valid JSON: {e.Message}");
            }
            catch (InvalidOperationException)
            {
                throw Core.Common.KeelException.InvalidParameter("The input example saved with params is not a JSON object with an 'inputs' field.");
            }
        }
    }

    private static MlModel Describe(ModelPackageInfo info, IPredictor predictor, IReadOnlyDictionary<string, object?>? example) => new()
    {
        ArtifactPath = info.ArtifactPath,
        RunId = info.RunId,
        ModelUuid = Guid.NewGuid().ToString("N"),
        UtcTimeCreated = MlModel.FormatUtcTime((info.Time ?? TimeProvider.System).GetUtcNow()),
        Signature = new ModelSignature(
            SignatureColumns.FromColumnSchemas(predictor.Inputs),
            predictor.Outputs.Count == 0 ? null : SignatureColumns.FromColumnSchemas(predictor.Outputs)),
        SavedInputExampleInfo = example,
    };

    private static Dictionary<string, object?> WriteInputExample(string directory, IPredictor predictor, DataBatch example)
    {
        var columns = predictor.Inputs.Select(input => example.Find(input.Name)
            ?? throw Core.Common.KeelException.InvalidParameter($"The input example has no column '{input.Name}', which the model reads.")).ToList();
        File.WriteAllText(Path.Combine(directory, InputExampleFile), DataFrameSplitJson.Write(new DataBatch(columns)));
        return new Dictionary<string, object?>
        {
            ["artifact_path"] = InputExampleFile,
            ["pandas_orient"] = "split",
            ["type"] = "dataframe",
        };
    }

    // MLflow's onnx flavor: the onnx entry, a python_function entry loading it with mlflow.onnx, and the
    // environment files that entry names.
    private static MlModel AddOnnxFlavors(string directory, MlModel mlModel)
    {
        PythonEnvironment.Write(directory);
        return mlModel
            .WithFlavor(ModelFlavors.Onnx, new Dictionary<string, object?>
            {
                ["code"] = null,
                ["data"] = OnnxModelFile,
                ["onnx_version"] = OnnxSpecVersion,
                ["providers"] = new List<object?> { "CPUExecutionProvider" },
            })
            .WithFlavor(ModelFlavors.PythonFunction, new Dictionary<string, object?>
            {
                ["code"] = null,
                ["data"] = OnnxModelFile,
                ["env"] = new Dictionary<string, object?> { ["conda"] = PythonEnvironment.CondaFile, ["virtualenv"] = PythonEnvironment.VirtualenvFile },
                ["loader_module"] = "mlflow.onnx",
            });
    }

    private static MlModel Save(string directory, MlModel mlModel)
    {
        var size = new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => f.Name != MlModel.FileName)
            .Sum(f => f.Length);
        var sized = mlModel with { ModelSizeBytes = size };
        var path = Path.Combine(directory, MlModel.FileName);
        File.WriteAllText(path + ".partial", sized.ToYaml());
        File.Move(path + ".partial", path, overwrite: true);
        return sized;
    }

    private static string VersionOf(Assembly assembly)
    {
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "unknown";
        return version.Split('+')[0];
    }
}
