using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Core.Models.Packages;
using Keel.Models.Packages;
using Keel.Models.Tests.Onnx;
using Keel.Testing;

namespace Keel.Models.Tests.Packages;

/// <summary>
/// <see cref="ModelPackageWriter.ReadInputExample"/> on the example layouts MLflow 2.10.2 writes: a data frame in
/// split orientation, and tensors as tf-serving's <c>{"inputs": ...}</c>, unnamed or by name.
/// </summary>
public sealed class InputExampleTests : IDisposable
{
    private const string UnnamedSignature = """'[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 3]}}]'""";
    private const string NamedSignature = """'[{"name": "features", "type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 3]}}]'""";
    private const string TensorExampleInfo = """{artifact_path: input_example.json, type: ndarray, format: tf-serving}""";

    private readonly TempDirectory _directory = new("keel-input-example");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void ReadInputExample_UnnamedTensor_FeedsTheOnlyInput()
    {
        var package = WritePackage(UnnamedSignature, TensorExampleInfo, """{"inputs": [[1.0, 2.0, 3.0], [-0.5, 0.25, 4.0]]}""");

        var example = ModelPackageWriter.ReadInputExample(package, ModelPackage.ReadMlModel(package));

        Assert.NotNull(example);
        var features = Assert.Single(example.Columns);
        Assert.Equal("features", features.Name);
        Assert.Equal([3], features.RowShape);
        Assert.Equal([1f, 2f, 3f, -0.5f, 0.25f, 4f], features.As<float>());
        AssertScoresLikeTheGraph(package, example);
    }

    [Fact]
    public void ReadInputExample_NamedTensors_ReadsEachByName()
    {
        var package = WritePackage(NamedSignature, TensorExampleInfo, """{"inputs": {"features": [[0, 0, 1], [2, 2, 2], [1, -1, 0]]}}""");

        var example = ModelPackageWriter.ReadInputExample(package, ModelPackage.ReadMlModel(package));

        Assert.NotNull(example);
        Assert.Equal(3, example.RowCount);
        Assert.Equal([0f, 0f, 1f, 2f, 2f, 2f, 1f, -1f, 0f], example["features"].As<float>());
        AssertScoresLikeTheGraph(package, example);
    }

    [Fact]
    public void ReadInputExample_SavedWithParams_ReadsTheWrappedInputs()
    {
        var info = """{artifact_path: input_example.json, type: ndarray, format: tf-serving, params: 'true'}""";
        var package = WritePackage(UnnamedSignature, info, """{"inputs": {"inputs": [[1, 2, 3]]}, "params": {"threshold": 0.5}}""");

        var example = ModelPackageWriter.ReadInputExample(package, ModelPackage.ReadMlModel(package));

        Assert.NotNull(example);
        Assert.Equal([1f, 2f, 3f], example["features"].As<float>());
    }

    [Fact]
    public void ReadInputExample_Dataframe_ReadsSplitOrientation()
    {
        var info = """{artifact_path: input_example.json, type: dataframe, pandas_orient: split}""";
        var package = WritePackage(NamedSignature, info, """{"columns": ["features"], "data": [[[4, 5, 6]]]}""");

        var example = ModelPackageWriter.ReadInputExample(package, ModelPackage.ReadMlModel(package));

        Assert.NotNull(example);
        Assert.Equal([4f, 5f, 6f], example["features"].As<float>());
    }

    [Fact]
    public void ReadInputExample_TensorOfTheWrongShape_NamesTheInputAndRow()
    {
        var package = WritePackage(NamedSignature, TensorExampleInfo, """{"inputs": {"features": [[1, 2, 3], [1, 2]]}}""");

        var error = Assert.Throws<KeelException>(() => ModelPackageWriter.ReadInputExample(package, ModelPackage.ReadMlModel(package)));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("Input 'features', row 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadInputExample_UnknownType_NamesIt()
    {
        var info = """{artifact_path: input_example.json, type: sparse_matrix_csr}""";
        var package = WritePackage(UnnamedSignature, info, """{"data": [1.0], "indices": [0], "indptr": [0, 1], "shape": [1, 3]}""");

        var error = Assert.Throws<KeelException>(() => ModelPackageWriter.ReadInputExample(package, ModelPackage.ReadMlModel(package)));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("'sparse_matrix_csr'", error.Message, StringComparison.Ordinal);
    }

    private static void AssertScoresLikeTheGraph(string package, DataBatch example)
    {
        using var loaded = ModelPackage.Load(package);
        var scores = loaded.Predict(example)["score"].As<float>();
        var features = example["features"].As<float>();
        for (var row = 0; row < example.RowCount; row++)
        {
            var (score, _) = KnownOnnxModels.LogisticExpected(features.AsSpan(row * 3, 3));
            Assert.True(Math.Abs(score - scores[row]) <= 1e-5, $"row {row}: score {score} vs {scores[row]}");
        }
    }

    private string WritePackage(string inputs, string exampleInfo, string exampleJson)
    {
        var package = Directory.CreateDirectory(Path.Combine(_directory.Path, Guid.NewGuid().ToString("N"))).FullName;
        File.WriteAllBytes(Path.Combine(package, "model.onnx"), KnownOnnxModels.LogisticRegression());
        File.WriteAllText(Path.Combine(package, "input_example.json"), exampleJson);
        File.WriteAllText(Path.Combine(package, MlModel.FileName), $$$"""
            artifact_path: model
            flavors:
              onnx:
                code: null
                data: model.onnx
                onnx_version: 1.12.0
            mlflow_version: 2.10.2
            saved_input_example_info: {{{exampleInfo}}}
            signature:
              inputs: {{{inputs}}}
              outputs: '[{"name": "score", "type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 1]}}]'
            """);
        return package;
    }
}
