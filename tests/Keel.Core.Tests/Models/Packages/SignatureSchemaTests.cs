using System.Text.Json;
using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Core.Models.Packages;

namespace Keel.Core.Tests.Models.Packages;

public class SignatureSchemaTests
{
    [Theory]
    [InlineData("""[{"type": "double", "name": "x", "required": true}, {"type": "string", "name": "city", "required": false}]""")]
    [InlineData("""[{"type": "long", "required": true}]""")]
    [InlineData("""[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 28, 28]}, "name": "image"}]""")]
    [InlineData("""[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]""")]
    [InlineData("""[{"type": "array", "items": {"type": "string"}, "name": "tags", "required": true}]""")]
    [InlineData("""[{"type": "string", "name": "caf\u00e9 \"quoted\"", "required": true}]""")]
    public void ToJson_ParsedMlflowJson_IsByteForByteTheSame(string json) =>
        Assert.Equal(json, SignatureSchema.Parse(json).ToJson());

    [Fact]
    public void Parse_ColumnsWithoutRequired_DefaultToRequired()
    {
        var schema = SignatureSchema.Parse("""[{"type": "integer", "name": "n"}]""");

        Assert.Equal(new ColumnSpec("n", "integer", Required: true), Assert.Single(schema.Columns));
        Assert.Equal(DataType.Int32, schema.Columns[0].DataType);
    }

    [Fact]
    public void Parse_NestedArrayType_KeepsDetailsButHasNoDataType()
    {
        var column = Assert.Single(SignatureSchema.Parse("""[{"type": "array", "items": {"type": "double"}, "name": "v", "required": true}]""").Columns);

        Assert.Equal("array", column.Type);
        Assert.Null(column.DataType);
        Assert.Equal("double", column.TypeDetails["items"].GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("""{"type": "double"}""", "must be a JSON list")]
    [InlineData("[]", "at least one")]
    [InlineData("""[{"type": "double", "name": "a"}, {"type": "double"}]""", "all of its columns or none")]
    [InlineData("""[{"type": "double", "name": "a"}, {"type": "long", "name": "a"}]""", "'a' twice")]
    [InlineData("""[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1]}}, {"type": "double"}]""", "mixes tensor and column")]
    [InlineData("""[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": "-1"}}]""", "list of integers")]
    [InlineData("""[{"name": "a"}]""", "'type'")]
    [InlineData("""[{"type": "double", "required": "yes"}]""", "'required'")]
    public void Parse_BadJson_ThrowsInvalidParameter(string json, string expected)
    {
        var e = Assert.Throws<KeelException>(() => SignatureSchema.Parse(json));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParamsToJson_ParsedMlflowParams_IsByteForByteTheSame()
    {
        const string json = """[{"name": "temperature", "type": "double", "default": 0.7, "shape": null}, {"name": "stop", "type": "string", "default": ["\n"], "shape": [-1]}, {"name": "greedy", "type": "boolean", "default": false, "shape": null}]""";

        var parameters = ModelSignature.ParseParams(json);

        Assert.Equal(json, ModelSignature.ParamsToJson(parameters));
        Assert.Equal("temperature", parameters[0].Name);
        Assert.Equal(0.7, parameters[0].Default.GetDouble());
        Assert.Equal([-1L], parameters[1].Shape);
    }

    [Fact]
    public void ParamSpec_BuiltInCode_WritesMlflowFieldOrder()
    {
        var spec = new ParamSpec("top_k", "long", JsonSerializer.SerializeToElement(5));

        Assert.Equal("""[{"name": "top_k", "type": "long", "default": 5, "shape": null}]""", ModelSignature.ParamsToJson([spec]));
    }

    [Fact]
    public void FromColumns_ScalarColumns_GivesRequiredColumnSpecs()
    {
        var schema = SignatureSchema.FromColumns([ColumnSchema.Scalar("age", DataType.Int64), ColumnSchema.Scalar("ok", DataType.Boolean)]);

        Assert.Equal("""[{"type": "long", "name": "age", "required": true}, {"type": "boolean", "name": "ok", "required": true}]""", schema.ToJson());
    }

    [Fact]
    public void FromColumns_AnyShapedColumn_GivesTensorSpecsWithBatchDimension()
    {
        var schema = SignatureSchema.FromColumns([new ColumnSchema("pixels", DataType.Float32, [28, 28]), ColumnSchema.Scalar("id", DataType.String)]);

        Assert.True(schema.IsTensorBased);
        Assert.Equal(new TensorSpec("pixels", "float32", [-1, 28, 28]), schema.Tensors[0]);
        Assert.Equal(new TensorSpec("id", "str", [-1]), schema.Tensors[1]);
    }

    [Theory]
    [InlineData("boolean", DataType.Boolean)]
    [InlineData("integer", DataType.Int32)]
    [InlineData("long", DataType.Int64)]
    [InlineData("float", DataType.Float32)]
    [InlineData("double", DataType.Float64)]
    [InlineData("string", DataType.String)]
    public void ColumnTypes_MapBothWays(string columnType, DataType type)
    {
        Assert.Equal(type, SignatureTypes.FromColumnType(columnType));
        Assert.Equal(columnType, SignatureTypes.ToColumnType(type));
    }

    [Theory]
    [InlineData("bool", DataType.Boolean)]
    [InlineData("int32", DataType.Int32)]
    [InlineData("int64", DataType.Int64)]
    [InlineData("float32", DataType.Float32)]
    [InlineData("float64", DataType.Float64)]
    [InlineData("str", DataType.String)]
    public void Dtypes_MapBothWays(string dtype, DataType type)
    {
        Assert.Equal(type, SignatureTypes.FromDtype(dtype));
        Assert.Equal(dtype, SignatureTypes.ToDtype(type));
    }

    [Theory]
    [InlineData("binary")]
    [InlineData("datetime")]
    [InlineData("uint8")]
    [InlineData("object")]
    public void UnsupportedTypes_MapToNull(string name)
    {
        Assert.Null(SignatureTypes.FromColumnType(name));
        Assert.Null(SignatureTypes.FromDtype(name));
    }
}
