using System.Text;
using Keel.Core.Models;
using Keel.Core.Serving;

namespace Keel.Core.Tests.Serving;

public sealed class OipMetadataTests
{
    [Fact]
    public void Server_writes_name_version_and_extensions()
    {
        var json = Encoding.UTF8.GetString(OipMetadata.Server("keel", "0.1.0", ["model_repository"]));

        Assert.Equal("""{"name":"keel","version":"0.1.0","extensions":["model_repository"]}""", json);
    }

    [Fact]
    public void Model_writes_tensors_with_an_open_batch_dimension()
    {
        var json = Encoding.UTF8.GetString(OipMetadata.Model(
            "iris",
            ["3"],
            "onnxruntime_onnx",
            [new ColumnSchema("features", DataType.Float32, [4])],
            [ColumnSchema.Scalar("label", DataType.Int64), ColumnSchema.Scalar("name", DataType.String)]));

        Assert.Equal(
            """{"name":"iris","versions":["3"],"platform":"onnxruntime_onnx","inputs":[{"name":"features","datatype":"FP32","shape":[-1,4]}],"outputs":[{"name":"label","datatype":"INT64","shape":[-1]},{"name":"name","datatype":"BYTES","shape":[-1]}]}""",
            json);
    }

    [Fact]
    public void Error_writes_the_message()
    {
        using var json = System.Text.Json.JsonDocument.Parse(OipError.Write("Input 'x' is \"bad\""));

        Assert.Equal("Input 'x' is \"bad\"", Assert.Single(json.RootElement.EnumerateObject(), p => p.Name == "error").Value.GetString());
        Assert.Single(json.RootElement.EnumerateObject());
    }
}
