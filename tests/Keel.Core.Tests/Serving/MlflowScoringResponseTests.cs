using System.Text;
using Keel.Core.Models;
using Keel.Core.Serving;

namespace Keel.Core.Tests.Serving;

public sealed class MlflowScoringResponseTests
{
    private static string Write(params DataColumn[] columns) => Encoding.UTF8.GetString(MlflowScoringResponse.Write(new DataBatch(columns)));

    [Fact]
    public void Write_single_scalar_output_is_a_flat_list()
    {
        Assert.Equal("""{"predictions":[1,0,1]}""", Write(DataColumn.Of("label", new long[] { 1, 0, 1 })));
    }

    [Fact]
    public void Write_single_tensor_output_nests_each_row()
    {
        Assert.Equal(
            """{"predictions":[[[1,2],[3,4]],[[5,6],[7,8]]]}""",
            Write(DataColumn.Of("y", new[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f }, [2, 2])));
    }

    [Fact]
    public void Write_several_outputs_is_a_list_of_records()
    {
        Assert.Equal(
            """{"predictions":[{"label":"cat","scores":[0.25,0.75]},{"label":"dog","scores":[1,0]}]}""",
            Write(DataColumn.Of("label", new[] { "cat", "dog" }), DataColumn.Of("scores", new[] { 0.25, 0.75, 1, 0 }, [2])));
    }

    [Fact]
    public void Write_non_finite_floats_as_python_json_literals_like_mlflow()
    {
        Assert.Equal(
            """{"predictions":[NaN,Infinity,-Infinity,0.5]}""",
            Write(DataColumn.Of("y", new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.5 })));
    }

    [Fact]
    public void Write_no_columns_is_an_empty_list()
    {
        Assert.Equal("""{"predictions":[]}""", Write());
    }
}
