using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Core.Models.Packages;

namespace Keel.Core.Tests.Models.Packages;

public class SignatureValidatorTests
{
    private static readonly SignatureSchema Columns = SignatureSchema.OfColumns(
    [
        ColumnSpec.Of("age", DataType.Int64),
        ColumnSpec.Of("income", DataType.Float64),
        new ColumnSpec("city", "string", Required: false),
    ]);

    private static readonly SignatureSchema Image = SignatureSchema.OfTensors([new TensorSpec("pixels", "float32", [-1, 2, 2])]);

    [Fact]
    public void Conform_MatchingBatch_KeepsSignatureOrderAndDropsExtras()
    {
        var batch = new DataBatch(
        [
            DataColumn.Of("extra", new[] { "x", "y" }),
            DataColumn.Of("city", new[] { "Oslo", "Lima" }),
            DataColumn.Of("income", new[] { 1.5, 2.5 }),
            DataColumn.Of("age", new[] { 30L, 40L }),
        ]);

        var conformed = SignatureValidator.Conform(Columns, batch);

        Assert.Equal(["age", "income", "city"], conformed.Columns.Select(c => c.Name));
        Assert.Null(conformed.Find("extra"));
        Assert.Equal([30L, 40L], conformed["age"].As<long>());
    }

    [Fact]
    public void Conform_NarrowerTypes_WidensValues()
    {
        var batch = new DataBatch([DataColumn.Of("age", new[] { 30, -7 }), DataColumn.Of("income", new[] { 1.25f, 3f })]);

        var conformed = SignatureValidator.Conform(Columns, batch);

        Assert.Equal(DataType.Int64, conformed["age"].Type);
        Assert.Equal([30L, -7L], conformed["age"].As<long>());
        Assert.Equal(DataType.Float64, conformed["income"].Type);
        Assert.Equal([1.25, 3.0], conformed["income"].As<double>());
        Assert.Null(conformed.Find("city"));
    }

    [Fact]
    public void Conform_IntegerToDouble_Widens()
    {
        var conformed = SignatureValidator.Conform(
            SignatureSchema.OfColumns([ColumnSpec.Of("x", DataType.Float64)]), new DataBatch([DataColumn.Of("x", new[] { 3, 4 })]));

        Assert.Equal([3.0, 4.0], conformed["x"].As<double>());
    }

    [Theory]
    [InlineData(DataType.Float64, DataType.Int64, "expected long, got double.")]
    [InlineData(DataType.Int64, DataType.Float64, "expected double, got long.")]
    [InlineData(DataType.Int32, DataType.Float32, "expected float, got integer.")]
    [InlineData(DataType.Int64, DataType.Int32, "expected integer, got long.")]
    [InlineData(DataType.String, DataType.Boolean, "expected boolean, got string.")]
    public void Conform_LossyOrWrongType_IsRefused(DataType given, DataType expected, string message)
    {
        var values = Array.CreateInstance(DataTypes.ElementType(given), 1);
        if (given == DataType.String)
        {
            values.SetValue("x", 0);
        }

        var e = Assert.Throws<KeelException>(() => SignatureValidator.Conform(
            SignatureSchema.OfColumns([ColumnSpec.Of("v", expected)]), new DataBatch([new DataColumn("v", given, values)])));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains($"Column 'v': {message}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Conform_MissingRequiredColumn_NamesIt()
    {
        var e = Assert.Throws<KeelException>(() => SignatureValidator.Conform(Columns, new DataBatch([DataColumn.Of("age", new[] { 1L })])));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains("Column 'income': expected double, got nothing (the column is missing).", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'city'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Conform_ShapedValueForScalarColumn_IsRefused()
    {
        var batch = new DataBatch([DataColumn.Of("age", new[] { 1L, 2L }, [2]), DataColumn.Of("income", new[] { 1.0 })]);

        var e = Assert.Throws<KeelException>(() => SignatureValidator.Conform(Columns, batch));

        Assert.Contains("Column 'age': expected long, got long rows of shape [2].", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Conform_EmptyBatch_IsRefused()
    {
        var batch = new DataBatch([DataColumn.Of("age", Array.Empty<long>()), DataColumn.Of("income", Array.Empty<double>())]);

        var e = Assert.Throws<KeelException>(() => SignatureValidator.Conform(Columns, batch));

        Assert.Contains("The input has no rows.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Conform_SeveralProblems_ListsEveryColumnInOneError()
    {
        var batch = new DataBatch([DataColumn.Of("age", new[] { "thirty" }), DataColumn.Of("city", new[] { 5 })]);

        var e = Assert.Throws<KeelException>(() => SignatureValidator.Conform(Columns, batch));

        Assert.Contains("Column 'age': expected long, got string.", e.Message, StringComparison.Ordinal);
        Assert.Contains("Column 'income': expected double, got nothing", e.Message, StringComparison.Ordinal);
        Assert.Contains("Column 'city': expected string, got integer.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Conform_UnsupportedSignatureType_IsNamed()
    {
        var schema = SignatureSchema.OfColumns([new ColumnSpec("photo", "binary")]);

        var e = Assert.Throws<KeelException>(() => SignatureValidator.Conform(schema, new DataBatch([DataColumn.Of("photo", new[] { "abc" })])));

        Assert.Contains("Column 'photo': the signature's type binary is not supported by Keel.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Conform_TensorWithMatchingShape_WidensDtype()
    {
        var schema = SignatureSchema.OfTensors([new TensorSpec("pixels", "float64", [-1, 2, 2])]);
        var batch = new DataBatch([DataColumn.Of("pixels", new[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f }, [2, 2])]);

        var conformed = SignatureValidator.Conform(schema, batch);

        Assert.Equal(DataType.Float64, conformed["pixels"].Type);
        Assert.Equal([2, 2], conformed["pixels"].RowShape);
        Assert.Equal(8.0, conformed["pixels"].As<double>()[7]);
    }

    [Fact]
    public void Conform_TensorShapeMismatch_ShowsBothShapes()
    {
        var batch = new DataBatch([DataColumn.Of("pixels", new[] { 1f, 2f, 3f }, [3])]);

        var e = Assert.Throws<KeelException>(() => SignatureValidator.Conform(Image, batch));

        Assert.Contains("Column 'pixels': expected float32 with shape [-1, 2, 2], got float32 with shape [1, 3].", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Conform_TensorFreeDimension_MatchesAnySize()
    {
        var schema = SignatureSchema.OfTensors([new TensorSpec("tokens", "int64", [-1, -1])]);
        var batch = new DataBatch([DataColumn.Of("tokens", new[] { 1L, 2L, 3L, 4L, 5L }, [5])]);

        Assert.Equal(5, SignatureValidator.Conform(schema, batch)["tokens"].RowLength);
    }

    [Fact]
    public void Conform_TensorWrongDtype_IsRefused()
    {
        var batch = new DataBatch([DataColumn.Of("pixels", new[] { 1.0, 2.0, 3.0, 4.0 }, [2, 2])]);

        var e = Assert.Throws<KeelException>(() => SignatureValidator.Conform(Image, batch));

        Assert.Contains("expected float32 with shape [-1, 2, 2], got float64 with shape [1, 2, 2].", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Conform_UnnamedSingleTensor_MatchesTheOnlyColumn()
    {
        var schema = SignatureSchema.OfTensors([new TensorSpec(null, "float32", [-1, 4])]);
        var batch = new DataBatch([DataColumn.Of("features", new[] { 1f, 2f, 3f, 4f }, [4])]);

        var conformed = SignatureValidator.Conform(schema, batch);

        Assert.Equal("features", Assert.Single(conformed.Columns).Name);
    }

    [Fact]
    public void Conform_UnnamedSingleTensor_RefusesTwoColumns()
    {
        var schema = SignatureSchema.OfTensors([new TensorSpec(null, "float32", [-1, 4])]);
        var batch = new DataBatch([DataColumn.Of("a", new[] { 1f, 2f, 3f, 4f }, [4]), DataColumn.Of("b", new[] { 1f, 2f, 3f, 4f }, [4])]);

        var e = Assert.Throws<KeelException>(() => SignatureValidator.Conform(schema, batch));

        Assert.Contains("1 unnamed input(s), matched by position; the input has 2 column(s)", e.Message, StringComparison.Ordinal);
    }
}
