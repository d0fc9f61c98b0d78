using Keel.Core.Common;
using Keel.Core.Models.Packages;

namespace Keel.Core.Tests.Models.Packages;

public class FlavorSelectorTests
{
    [Fact]
    public void Select_MlflowOnnxPackage_ChoosesOnnxDataFile()
    {
        var flavor = FlavorSelector.Select(MlModel.Parse(MlflowFixtures.Onnx));

        Assert.Equal(ModelFlavors.Onnx, flavor.Name);
        Assert.Equal("model.onnx", flavor.DataPath.Value);
    }

    [Fact]
    public void Select_MlNetPackage_ChoosesModelPath()
    {
        var model = MlModel.Parse("""
            flavors:
              mlnet:
                mlnet_version: 5.0.1
                model_path: model/model.zip
            """);

        var flavor = FlavorSelector.Select(model);

        Assert.Equal(ModelFlavors.MlNet, flavor.Name);
        Assert.Equal("model/model.zip", flavor.DataPath.Value);
    }

    [Fact]
    public void Select_OnnxAndMlNet_PrefersOnnx()
    {
        var model = new MlModel()
            .WithFlavor("mlnet", new Dictionary<string, object?> { ["model_path"] = "model.zip" })
            .WithFlavor("onnx", new Dictionary<string, object?> { ["data"] = "model.onnx" });

        Assert.Equal(ModelFlavors.Onnx, FlavorSelector.Select(model).Name);
    }

    [Theory]
    [InlineData(MlflowFixtures.PyTorch, "python_function, pytorch")]
    [InlineData(MlflowFixtures.Sklearn, "python_function, sklearn")]
    public void Select_CodeOnlyPackage_RefusedWithExplanation(string yaml, string flavors)
    {
        var e = Assert.Throws<KeelException>(() => FlavorSelector.Select(MlModel.Parse(yaml)));

        Assert.Equal(ErrorCode.InvalidState, e.Code);
        Assert.Contains(flavors, e.Message, StringComparison.Ordinal);
        Assert.Contains("never executes a model's code", e.Message, StringComparison.Ordinal);
        Assert.Contains("pickle", e.Message, StringComparison.Ordinal);
        Assert.Contains("ONNX", e.Message, StringComparison.Ordinal);
        Assert.Contains("mlflow.onnx.log_model", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("/abs/model.onnx")]
    [InlineData("a/../../model.onnx")]
    [InlineData("C:/model.onnx")]
    public void Select_UnsafeDataPath_Refused(string path)
    {
        var model = new MlModel().WithFlavor("onnx", new Dictionary<string, object?> { ["data"] = path });

        var e = Assert.Throws<KeelException>(() => FlavorSelector.Select(model));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains("flavors.onnx.data", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_OnnxWithoutData_NamesMissingKey()
    {
        var model = new MlModel().WithFlavor("onnx", new Dictionary<string, object?> { ["code"] = null });

        var e = Assert.Throws<KeelException>(() => FlavorSelector.Select(model));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains("'data'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CodeFlavors_IncludePickleFlavorsButNotRunnableOnes()
    {
        Assert.Contains(ModelFlavors.PythonFunction, ModelFlavors.Code);
        Assert.Contains(ModelFlavors.Sklearn, ModelFlavors.Code);
        Assert.DoesNotContain(ModelFlavors.Onnx, ModelFlavors.Code);
        Assert.Equal([ModelFlavors.Onnx, ModelFlavors.MlNet], ModelFlavors.Runnable);
    }
}
