using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Core.Models.Packages;

namespace Keel.Core.Tests.Models.Packages;

public class MlModelTests
{
    [Fact]
    public void Parse_SklearnPackage_ReadsEveryField()
    {
        var model = MlModel.Parse(MlflowFixtures.Sklearn);

        Assert.Equal("model", model.ArtifactPath);
        Assert.Equal("3b5c9f2e8d1a4c7b9e6f0a2d4c8b1e3f", model.RunId);
        Assert.Equal("6f1a4f3c2b7e4d0f9a8b5c6d7e8f9a0b", model.ModelUuid);
        Assert.Equal("2024-05-14 09:31:07.482913", model.UtcTimeCreated);
        Assert.Equal(1071L, model.ModelSizeBytes);
        Assert.Equal("2.12.1", model.MlflowVersion);
        Assert.Equal(["python_function", "sklearn"], model.Flavors.Keys);
        Assert.Equal("cloudpickle", model.GetString("sklearn", "serialization_format"));
        Assert.Equal("3.11.7", model.GetString("python_function", "python_version"));
        Assert.Null(model.GetString("sklearn", "code"));
        Assert.True(model.Flavors["sklearn"].ContainsKey("code"));
        var env = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(model.Flavors["python_function"]["env"]);
        Assert.Equal("python_env.yaml", env["virtualenv"]);
        Assert.Equal("dataframe", model.SavedInputExampleInfo!["type"]);
        Assert.Equal("split", model.SavedInputExampleInfo["pandas_orient"]);
        Assert.Equal("serving_input_example.json", model.SavedInputExampleInfo["serving_input_path"]);
        Assert.Empty(model.AdditionalFields);
        Assert.Null(model.Metadata);

        var inputs = model.Signature!.Inputs!;
        Assert.False(inputs.IsTensorBased);
        Assert.Equal(["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"], inputs.Columns.Select(c => c.Name));
        Assert.All(inputs.Columns, c => Assert.Equal(DataType.Float64, c.DataType));
        Assert.Equal([true, true, true, false], inputs.Columns.Select(c => c.Required));
        var output = Assert.Single(model.Signature.Outputs!.Columns);
        Assert.Equal(new ColumnSpec(null, "long", Required: true), output);
        Assert.Null(model.Signature.Params);
    }

    [Fact]
    public void Parse_OnnxPackage_ReadsTensorSignatureAndProviders()
    {
        var model = MlModel.Parse(MlflowFixtures.Onnx);

        Assert.Equal("model.onnx", model.GetString("onnx", "data"));
        Assert.Equal("1.16.0", model.GetString("onnx", "onnx_version"));
        var providers = Assert.IsAssignableFrom<IReadOnlyList<object?>>(model.Flavors["onnx"]["providers"]);
        Assert.Equal(["CUDAExecutionProvider", "CPUExecutionProvider"], providers);
        var input = Assert.Single(model.Signature!.Inputs!.Tensors);
        Assert.Equal("input", input.Name);
        Assert.Equal("float32", input.Dtype);
        Assert.Equal([-1L, 4L], input.Shape);
        Assert.Equal(DataType.Float32, input.DataType);
        Assert.Equal(["label", "probabilities"], model.Signature.Outputs!.Tensors.Select(t => t.Name));
        Assert.Equal([-1L], model.Signature.Outputs.Tensors[0].Shape);
        Assert.Equal(DataType.Int64, model.Signature.Outputs.Tensors[0].DataType);
    }

    [Fact]
    public void Parse_PyTorchPackage_KeepsQuotedVersionAsTextAndHasNoSignature()
    {
        var model = MlModel.Parse(MlflowFixtures.PyTorch);

        Assert.Equal(["python_function", "pytorch"], model.Flavors.Keys);
        Assert.Equal("3.10", model.Flavors["python_function"]["python_version"]);
        Assert.Equal("mlflow.pytorch.pickle_module", model.GetString("python_function", "pickle_module_name"));
        Assert.Equal(45210L, model.ModelSizeBytes);
        Assert.Null(model.Signature);
        Assert.Null(model.SavedInputExampleInfo);
    }

    [Theory]
    [InlineData(MlflowFixtures.Sklearn)]
    [InlineData(MlflowFixtures.Onnx)]
    [InlineData(MlflowFixtures.PyTorch)]
    public void ToYaml_MlflowFile_WritesItBackExactly(string mlflowText) =>
        Assert.Equal(mlflowText, MlModel.Parse(mlflowText).ToYaml());

    [Fact]
    public void ToYaml_UnknownKeys_ArePreserved()
    {
        const string yaml = """
            databricks_runtime: 14.3.x-cpu-ml-scala2.12
            flavors:
              onnx:
                data: model.onnx
            model_id: m-7f3a
            resources:
              api_version: '1'
              databricks:
                serving_endpoint:
                - name: chat
            """;

        var written = MlModel.Parse(yaml).ToYaml();
        var reread = MlModel.Parse(written);

        Assert.Equal(["databricks_runtime", "model_id", "resources"], reread.AdditionalFields.Keys);
        Assert.Equal("m-7f3a", reread.AdditionalFields["model_id"]);
        var resources = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(reread.AdditionalFields["resources"]);
        Assert.Equal("1", resources["api_version"]);
        Assert.Contains("api_version: '1'", written, StringComparison.Ordinal);
        Assert.Contains("  - name: chat", written, StringComparison.Ordinal);
    }

    [Fact]
    public void ToYaml_KeelPackage_ReparsesToSameContent()
    {
        var model = new MlModel
        {
            ArtifactPath = "model",
            RunId = "a1b2c3",
            ModelUuid = "uuid-1",
            UtcTimeCreated = MlModel.FormatUtcTime(new DateTimeOffset(2025, 3, 4, 7, 8, 9, TimeSpan.FromHours(2)).AddTicks(1234560)),
            ModelSizeBytes = 4096,
            MlflowVersion = "2.12.1",
            Signature = new ModelSignature(
                SignatureSchema.OfColumns([ColumnSpec.Of("age", DataType.Int64), new ColumnSpec("city", "string", Required: false)]),
                SignatureSchema.OfColumns([ColumnSpec.Of(null, DataType.Float64)])),
            Metadata = new Dictionary<string, object?> { ["owner"] = "team-a", ["threshold"] = 0.5, ["tags"] = new[] { "x", "true" } },
        }.WithFlavor(ModelFlavors.MlNet, new Dictionary<string, object?> { ["model_path"] = "model.zip", ["mlnet_version"] = "5.0.1" })
         .WithFlavor(ModelFlavors.Onnx, new Dictionary<string, object?> { ["code"] = null, ["data"] = "model.onnx", ["opset"] = 17L, ["version"] = "2.0" });

        var yaml = model.ToYaml();
        var reread = MlModel.Parse(yaml);

        Assert.Equal("2025-03-04 05:08:09.123456", model.UtcTimeCreated);
        Assert.Equal(yaml, reread.ToYaml());
        Assert.Equal(model.RunId, reread.RunId);
        Assert.Equal(4096L, reread.ModelSizeBytes);
        Assert.Equal(["mlnet", "onnx"], reread.Flavors.Keys);
        Assert.Equal(17L, reread.Flavors["onnx"]["opset"]);
        Assert.Equal("2.0", reread.Flavors["onnx"]["version"]);
        Assert.Null(reread.Flavors["onnx"]["code"]);
        Assert.Equal(0.5, reread.Metadata!["threshold"]);
        Assert.Equal(["x", "true"], Assert.IsAssignableFrom<IReadOnlyList<object?>>(reread.Metadata["tags"]));
        Assert.Equal(model.Signature, reread.Signature);
        Assert.Null(reread.Signature!.Params);
        Assert.Contains("  params: null\n", yaml, StringComparison.Ordinal);
        Assert.Contains("    code: null\n", yaml, StringComparison.Ordinal);
        Assert.Contains("  outputs: '[{\"type\": \"double\", \"required\": true}]'\n", yaml, StringComparison.Ordinal);
        Assert.Contains("utc_time_created: '2025-03-04 05:08:09.123456'\n", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void WithFlavor_ExistingName_ReplacesInPlace()
    {
        var model = MlModel.Parse(MlflowFixtures.Onnx)
            .WithFlavor("onnx", new Dictionary<string, object?> { ["data"] = "other.onnx" });

        Assert.Equal(["onnx", "python_function"], model.Flavors.Keys);
        Assert.Equal("other.onnx", model.GetString("onnx", "data"));
    }

    [Fact]
    public void TryParseUtcTime_MlflowText_IsUtc()
    {
        Assert.True(MlModel.TryParseUtcTime("2024-05-14 09:31:07.482913", out var precise));
        Assert.Equal(new DateTimeOffset(2024, 5, 14, 9, 31, 7, TimeSpan.Zero).AddTicks(4829130), precise);
        Assert.True(MlModel.TryParseUtcTime("2024-05-14 09:31:07", out var whole));
        Assert.Equal(TimeSpan.Zero, whole.Offset);
        Assert.False(MlModel.TryParseUtcTime("yesterday", out _));
    }

    [Fact]
    public void GetString_NestedValue_Throws()
    {
        var model = MlModel.Parse(MlflowFixtures.Onnx);

        var e = Assert.Throws<KeelException>(() => model.GetString("onnx", "providers"));

        Assert.Contains("flavors.onnx.providers", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("flavors: [unclosed", "not valid YAML")]
    [InlineData("artifact_path: model\n", "no 'flavors'")]
    [InlineData("", "empty")]
    [InlineData("- a\n- b\n", "must be a YAML mapping")]
    [InlineData("flavors: onnx\n", "'flavors' must be a mapping")]
    [InlineData("flavors:\n  onnx: model.onnx\n", "flavor 'onnx' must be a mapping")]
    [InlineData("flavors: {}\nmodel_size_bytes: big\n", "'model_size_bytes' must be a whole number")]
    [InlineData("flavors: {}\nrun_id: a\nrun_id: b\n", "run_id")]
    [InlineData("flavors: {}\nsignature:\n  inputs: '[{\"type\": '\n", "not valid JSON")]
    [InlineData("flavors: {}\nsignature:\n  inputs:\n  - type: double\n", "'signature.inputs' must be a JSON string")]
    [InlineData("flavors: {}\nsignature: '[]'\n", "'signature' must be a mapping")]
    [InlineData("flavors: {}\n---\nflavors: {}\n", "one YAML document")]
    public void Parse_MalformedFile_ThrowsSayingWhatIsWrong(string yaml, string expected)
    {
        var e = Assert.Throws<KeelException>(() => MlModel.Parse(yaml));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AliasBomb_IsRefused()
    {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + string.Concat(Enumerable.Range(0, 8).Select(i => $"{(char)('b' + i)}: &{(char)('b' + i)} [*{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}]\n"))
            + "flavors: {}\n";

        var e = Assert.Throws<KeelException>(() => MlModel.Parse(yaml));

        Assert.Contains("more than", e.Message, StringComparison.Ordinal);
    }
}
