using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Core.Models.Packages;
using Keel.Models.Packages;
using Keel.Models.Tests.Onnx;
using Keel.Testing;
using Microsoft.ML;

namespace Keel.Models.Tests.Packages;

public sealed class ModelPackageTests : IDisposable
{
    private readonly TempDirectory _directory = new("keel-packages");
    private readonly MLContext _ml = new(seed: 3);
    private readonly TumourRow[] _train = PackageModels.Rows(400, seed: 1);
    private readonly TumourRow[] _test = PackageModels.Rows(1000, seed: 2);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void An_mlnet_package_follows_MLflow_layout_and_scores_like_the_model_in_memory()
    {
        var (model, schema) = PackageModels.FastTree(_ml, _train);
        var package = Path.Combine(_directory.Path, "model");

        var written = ModelPackageWriter.WriteMlNet(package, model, schema, PackageModels.Batch(_test.Take(5)), new ModelPackageInfo("model", RunId: "abc123"));

        var mlModel = MlModel.Parse(File.ReadAllText(Path.Combine(package, "MLmodel")));
        Assert.Equal(written.ToYaml(), mlModel.ToYaml());
        Assert.Equal(["mlnet"], mlModel.Flavors.Keys);
        Assert.Equal("model.zip", mlModel.GetString("mlnet", "model_path"));
        Assert.Equal("abc123", mlModel.RunId);
        Assert.Equal("model", mlModel.ArtifactPath);
        Assert.Equal(new FileInfo(Path.Combine(package, "model.zip")).Length + new FileInfo(Path.Combine(package, "input_example.json")).Length, mlModel.ModelSizeBytes);
        Assert.Equal(PackageModels.Features, mlModel.Signature!.Inputs!.Columns.Select(c => c.Name));
        Assert.All(mlModel.Signature.Inputs.Columns, c => Assert.Equal("float", c.Type));
        Assert.Contains(mlModel.Signature.Outputs!.Columns, c => c is { Name: "Probability", Type: "float" });
        Assert.Equal("split", mlModel.SavedInputExampleInfo!["pandas_orient"]);

        using var loaded = ModelPackage.Load(package);
        var predicted = loaded.Predict(PackageModels.Batch(_test));
        var expected = PackageModels.InMemory(_ml, model, _test);
        Assert.Equal("mlnet", loaded.Flavor);
        Assert.Equal(expected.Scores, predicted["Score"].As<float>());
        Assert.Equal(expected.Probabilities, predicted["Probability"].As<float>());
        Assert.Equal(expected.Labels, predicted["PredictedLabel"].As<bool>());
    }

    [Theory]
    [InlineData("fasttree")]
    [InlineData("logistic")]
    public void Adding_the_onnx_flavor_checks_the_export_and_then_scores_through_ONNX_Runtime(string kind)
    {
        var (model, schema) = kind == "fasttree" ? PackageModels.FastTree(_ml, _train) : PackageModels.Logistic(_ml, _train);
        var package = Path.Combine(_directory.Path, kind);
        ModelPackageWriter.WriteMlNet(package, model, schema, PackageModels.Batch(_test.Take(10)), new ModelPackageInfo());

        var check = ModelPackageWriter.AddOnnxFlavor(package);

        Assert.True(check.Passed, check.Describe());
        Assert.Equal(10, check.Rows);
        Assert.Contains(check.Columns, c => c.Column == "Probability");
        var mlModel = ModelPackage.ReadMlModel(package);
        Assert.Equal(["mlnet", "onnx", "python_function"], mlModel.Flavors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("model.onnx", mlModel.GetString("onnx", "data"));
        Assert.Equal("mlflow.onnx", mlModel.GetString("python_function", "loader_module"));
        Assert.True(File.Exists(Path.Combine(package, "conda.yaml")));
        OnnxChecker.AssertValid(Path.Combine(package, "model.onnx"));

        using var loaded = ModelPackage.Load(package);
        var predicted = loaded.Predict(PackageModels.Batch(_test));
        var expected = PackageModels.InMemory(_ml, model, _test);
        Assert.Equal("onnx", loaded.Flavor);
        var probabilities = predicted["Probability"].As<float>();
        for (var i = 0; i < _test.Length; i++)
        {
            Assert.True(Math.Abs(expected.Probabilities[i] - probabilities[i]) <= 1e-5, $"row {i}: {expected.Probabilities[i]} vs {probabilities[i]}");
        }
    }

    [Fact]
    public void A_batch_that_breaks_the_signature_is_refused_naming_each_column()
    {
        var (model, schema) = PackageModels.FastTree(_ml, _train);
        var package = Path.Combine(_directory.Path, "model");
        ModelPackageWriter.WriteMlNet(package, model, schema, null, new ModelPackageInfo());
        using var loaded = ModelPackage.Load(package);

        var error = Assert.Throws<KeelException>(() => loaded.Predict(new DataBatch(
        [
            DataColumn.Of("Radius", new[] { "large" }),
            DataColumn.Of("Texture", new[] { 1f }),
        ])));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("Column 'Radius': expected float, got string", error.Message, StringComparison.Ordinal);
        Assert.Contains("Column 'Smoothness'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_package_MLflow_logged_with_the_onnx_flavor_loads_and_scores()
    {
        var package = Directory.CreateDirectory(Path.Combine(_directory.Path, "mlflow-onnx")).FullName;
        File.WriteAllBytes(Path.Combine(package, "model.onnx"), KnownOnnxModels.LogisticRegression());
        File.WriteAllText(Path.Combine(package, "MLmodel"), """
            artifact_path: model
            flavors:
              onnx:
                code: null
                data: model.onnx
                onnx_version: 1.15.0
                providers:
                - CUDAExecutionProvider
                - CPUExecutionProvider
              python_function:
                data: model.onnx
                env:
                  conda: conda.yaml
                  virtualenv: python_env.yaml
                loader_module: mlflow.onnx
                python_version: 3.10.12
            mlflow_version: 2.10.2
            model_size_bytes: 321
            model_uuid: 3f4c3a53d2e54b7e9a5d2c1b0a9e8f7d
            run_id: 0f6a9d52c1b34e8a8a4c3b2d1e0f9a8b
            signature:
              inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 3]}}]'
              outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 1]}, "name": "score"}, {"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 1]}, "name": "probability"}]'
              params: null
            utc_time_created: '2024-02-01 10:11:12.123456'

            """);

        using var loaded = ModelPackage.Load(package);
        float[] rows = [1f, 2f, 3f, -0.5f, 0.25f, 4f];
        var predicted = loaded.Predict(new DataBatch([DataColumn.Of("x", rows, [3])]));

        Assert.Equal("onnx", loaded.Flavor);
        Assert.Equal(["features"], loaded.Inputs.Select(i => i.Name));
        var probabilities = predicted["probability"].As<float>();
        for (var row = 0; row < 2; row++)
        {
            var (_, probability) = KnownOnnxModels.LogisticExpected(rows.AsSpan(row * 3, 3));
            Assert.True(Math.Abs(probability - probabilities[row]) <= 1e-5, $"row {row}: {probability} vs {probabilities[row]}");
        }
    }

    [Fact]
    public void A_package_whose_only_flavor_is_a_pickle_is_refused_with_the_reason_and_the_way_out()
    {
        var package = Directory.CreateDirectory(Path.Combine(_directory.Path, "pickle")).FullName;
        File.WriteAllBytes(Path.Combine(package, "model.pkl"), [0x80, 0x04, 0x95]);
        File.WriteAllText(Path.Combine(package, "MLmodel"), """
            artifact_path: model
            flavors:
              python_function:
                env:
                  conda: conda.yaml
                  virtualenv: python_env.yaml
                loader_module: mlflow.sklearn
                model_path: model.pkl
                predict_fn: predict
                python_version: 3.10.12
              sklearn:
                code: null
                pickled_model: model.pkl
                serialization_format: cloudpickle
                sklearn_version: 1.3.2
            mlflow_version: 2.10.2
            run_id: 0f6a9d52c1b34e8a8a4c3b2d1e0f9a8b

            """);

        var error = Assert.Throws<KeelException>(() => ModelPackage.Load(package));

        Assert.Equal(ErrorCode.InvalidState, error.Code);
        Assert.Contains("ONNX", error.Message, StringComparison.Ordinal);
        Assert.Contains("sklearn", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_needs_an_mlnet_package_with_an_input_example()
    {
        var (model, schema) = PackageModels.FastTree(_ml, _train);
        var bare = Path.Combine(_directory.Path, "bare");
        ModelPackageWriter.WriteMlNet(bare, model, schema, inputExample: null, new ModelPackageInfo());
        var onnxOnly = Path.Combine(_directory.Path, "onnx-only");
        var onnxFile = Path.Combine(_directory.Path, "logistic.onnx");
        File.WriteAllBytes(onnxFile, KnownOnnxModels.LogisticRegression());
        ModelPackageWriter.WriteOnnx(onnxOnly, onnxFile, signature: null, inputExample: null, new ModelPackageInfo());

        var noExample = Assert.Throws<KeelException>(() => ModelPackageWriter.AddOnnxFlavor(bare));
        var notMlNet = Assert.Throws<KeelException>(() => ModelPackageWriter.AddOnnxFlavor(onnxOnly));
        var notAPackage = Assert.Throws<KeelException>(() => ModelPackage.Load(_directory.Path));

        Assert.Contains("no input example", noExample.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(bare, "model.onnx")));
        Assert.Contains("Only ML.NET models can be exported", notMlNet.Message, StringComparison.Ordinal);
        Assert.Contains("has no MLmodel file", notAPackage.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_onnx_package_written_by_Keel_derives_its_signature_from_the_graph()
    {
        var onnxFile = Path.Combine(_directory.Path, "logistic.onnx");
        File.WriteAllBytes(onnxFile, KnownOnnxModels.LogisticRegression());
        var package = Path.Combine(_directory.Path, "onnx");

        var mlModel = ModelPackageWriter.WriteOnnx(package, onnxFile, signature: null, inputExample: null, new ModelPackageInfo());

        var input = Assert.Single(mlModel.Signature!.Inputs!.Tensors);
        Assert.Equal(("features", "float32"), (input.Name, input.Dtype));
        Assert.Equal([-1L, 3L], input.Shape);
        Assert.Equal("mlflow.onnx", mlModel.GetString("python_function", "loader_module"));
        Assert.Equal(File.ReadAllText(Path.Combine(package, "MLmodel")), mlModel.ToYaml());
    }
}
