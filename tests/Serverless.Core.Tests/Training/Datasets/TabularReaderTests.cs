using System.Text;
using Parquet.Serialization;
using Serverless.Core.Training;
using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Specs;
using Serverless.Testing;

namespace Serverless.Core.Tests.Training.Datasets;

public sealed class TabularReaderTests
{
    private const string SmallCsv = """
        x,color,group,y
        1.5, red ,a,yes
        ?,blue,b,no
        3,,a, no
        4,red,b,?
        -2e1,green,b,no
        """;

    private static Task<TabularRead> ReadCsvAsync(string csv, ModelSpec spec) =>
        TabularReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), DataFormats.Csv, spec, CancellationToken.None);

    private static async Task<string> FailAsync(string csv, ModelSpec spec) =>
        (await Assert.ThrowsAsync<TrainingDataException>(() => ReadCsvAsync(csv, spec))).Message;

    [Fact]
    public async Task ReadAsync_BinaryCsv_TypesTrimsAndCodesTheLabel()
    {
        var read = await ReadCsvAsync(SmallCsv, TestSpecs.Small());

        var table = read.Table;
        Assert.Equal(4, table.RowCount);
        Assert.Equal(1, read.DroppedRows);
        Assert.Equal([1.5f, float.NaN, 3f, -20f], table.Numeric.Single().Values);
        Assert.Equal(["red", "blue", "", "green"], table.Categorical.Single().Values);
        Assert.Equal([1f, 0f, 0f, 0f], table.Label);
        Assert.Equal(["no", "yes"], table.Classes);
        Assert.Equal(["a", "b", "a", "b"], table.Groups.Single().Values);
        Assert.Equal(
            [("x", "feature", "numeric"), ("color", "feature", "categorical"), ("y", "label", "binary"), ("group", "protected", "categorical")],
            read.Schema.Select(c => (c.Name, c.Role, c.Type)));
    }

    [Fact]
    public async Task ReadAsync_DropPolicies_DropAndCountRows()
    {
        var spec = TestSpecs.Small() with { Data = TestSpecs.Small().Data! with { Missing = new MissingValuePolicy("drop", "drop") } };

        var read = await ReadCsvAsync(SmallCsv, spec);

        Assert.Equal([1.5f, -20f], read.Table.Numeric.Single().Values);
        Assert.Equal(3, read.DroppedRows);
    }

    [Fact]
    public async Task ReadAsync_NoHeaderOtherSeparatorAndMissingMarkers_UsesTheSpecsColumns()
    {
        var spec = TestSpecs.Small() with
        {
            Data = TestSpecs.Small().Data! with
            {
                HasHeader = false,
                Columns = ["y", "x", "group", "color"],
                Separator = ";",
                MissingValues = ["NA"],
                Label = new LabelSpec("y", ["1"]),
            },
        };

        var read = await ReadCsvAsync("1;2.5;a;?\n2;NA;b;blue\n", spec);

        Assert.Equal([2.5f, float.NaN], read.Table.Numeric.Single().Values);
        Assert.Equal(["?", "blue"], read.Table.Categorical.Single().Values);
        Assert.Equal([1f, 0f], read.Table.Label);
    }

    [Fact]
    public async Task ReadAsync_MulticlassCsv_NumbersClassesInOrdinalOrder()
    {
        var read = await ReadCsvAsync("x,color,group,y\n1,r,a,setosa\n2,g,b,virginica\n3,b,a,versicolor\n4,b,b,setosa\n", TestSpecs.Small(ModelTasks.Multiclass));

        Assert.Equal(["setosa", "versicolor", "virginica"], read.Table.Classes);
        Assert.Equal([0f, 2f, 1f, 0f], read.Table.Label);
    }

    [Fact]
    public async Task ReadAsync_RegressionCsv_ReadsTheLabelAsANumber()
    {
        var read = await ReadCsvAsync("x,color,group,y\n1,r,a,10.5\n2,g,b,\n3,b,b,-3\n", TestSpecs.Small(ModelTasks.Regression));

        Assert.Equal([10.5f, -3f], read.Table.Label);
        Assert.Empty(read.Table.Classes);
        Assert.Equal(1, read.DroppedRows);
    }

    [Fact]
    public async Task ReadAsync_NotANumber_SaysRowLineColumnAndValue()
    {
        string message = await FailAsync("x,color,group,y\n1,r,a,yes\nabc,g,b,no\n", TestSpecs.Small());

        Assert.StartsWith("Row 2 (line 3), column 'x': 'abc' is not a number.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_ColumnMissing_ListsTheColumnsTheDataHas()
    {
        string message = await FailAsync("x,colour,group,y\n1,r,a,yes\n", TestSpecs.Small());

        Assert.StartsWith("The data has no column 'color' (data.features[1].name). Its 4 column(s): 'x', 'colour', 'group', 'y'.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_FirstLineIsData_SuggestsNamingTheColumns()
    {
        string message = await FailAsync("1,red,a,yes\n2,blue,b,no\n", TestSpecs.Small());

        Assert.EndsWith("If the file has no header line, set data.hasHeader to false and name the columns in data.columns.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_NoPositiveRow_SaysThePositiveValueNeverOccurs()
    {
        string message = await FailAsync("x,color,group,y\n1,r,a,Yes\n2,g,b,no\n3,g,b,no\n", TestSpecs.Small());

        Assert.Equal("Label 'y' has one class: no row has the positive value 'yes' (data.label.positive). Its values: 'no' (2), 'Yes' (1). Name the positive value as the data writes it.", message);
    }

    [Fact]
    public async Task ReadAsync_EveryRowPositive_SaysSo()
    {
        string message = await FailAsync("x,color,group,y\n1,r,a,yes\n2,g,b,yes\n", TestSpecs.Small());

        Assert.Contains("every row has the positive value 'yes'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_MulticlassWithTwoClasses_SuggestsBinary()
    {
        string message = await FailAsync("x,color,group,y\n1,r,a,cat\n2,g,b,dog\n", TestSpecs.Small(ModelTasks.Multiclass));

        Assert.Contains("a multiclass task needs at least 3. Use task \"binary\"", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_ProtectedSingleGroup_SaysWhichGroup()
    {
        string message = await FailAsync("x,color,group,y\n1,r,a,yes\n2,g,a,no\n3,g,,no\n", TestSpecs.Small());

        Assert.StartsWith("Protected attribute 'group' has a single group ('a') in the 3 rows", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_EveryLabelMissing_SaysNoRowsAreLeft()
    {
        string message = await FailAsync("x,color,group,y\n1,r,a,?\n2,g,b,\n", TestSpecs.Small());

        Assert.Equal("No rows are left to train on: 2 read, 2 dropped (2 with a missing label).", message);
    }

    [Fact]
    public async Task ReadAsync_RowWithTooFewFields_SaysWhere()
    {
        string message = await FailAsync("x,color,group,y\n1,r,a,yes\n2;g;b;no\n", TestSpecs.Small());

        Assert.StartsWith("Row 2 (line 3) has 1 field(s), but the data has 4 column(s).", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_NotUtf8_SaysItIsNotCsv()
    {
        var bytes = new byte[] { 0x78, 0x2c, 0xff, 0xfe, 0x00, 0x0a, 0xc3, 0x28 };

        var ex = await Assert.ThrowsAsync<TrainingDataException>(() =>
            TabularReader.ReadAsync(new MemoryStream(bytes), DataFormats.Csv, TestSpecs.Small(), CancellationToken.None));

        Assert.Contains("not UTF-8 text", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "The CSV is empty")]
    [InlineData("a,b,c\n", "a header line but no rows")]
    public void CheckCsv_NoRows_Throws(string csv, string expected)
    {
        var ex = Assert.Throws<TrainingDataException>(() => TabularReader.CheckCsv(new MemoryStream(Encoding.UTF8.GetBytes(csv)), CancellationToken.None));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckCsv_HeaderAndRows_CountsTheRows()
    {
        Assert.Equal(2, TabularReader.CheckCsv(new MemoryStream(Encoding.UTF8.GetBytes("a,b\n1,2\n3,4\n")), CancellationToken.None));
    }

    [Fact]
    public async Task ReadAsync_Parquet_ReadsColumnsByNameWithNullsMissing()
    {
        using var parquet = await ParquetSamples.WriteAsync(
            new ParquetSamples.Row { X = 1.5, Color = "red", Group = "a", Y = "yes", Extra = 1 },
            new ParquetSamples.Row { X = null, Color = null, Group = "b", Y = "no", Extra = 2 },
            new ParquetSamples.Row { X = 3, Color = "blue", Group = "a", Y = null, Extra = 3 });

        var read = await TabularReader.ReadAsync(parquet, DataFormats.Parquet, TestSpecs.Small(format: DataFormats.Parquet), CancellationToken.None);

        Assert.Equal([1.5f, float.NaN], read.Table.Numeric.Single().Values);
        Assert.Equal(["red", ""], read.Table.Categorical.Single().Values);
        Assert.Equal([1f, 0f], read.Table.Label);
        Assert.Equal(["a", "b"], read.Table.Groups.Single().Values);
        Assert.Equal(1, read.DroppedRows);
    }

    [Fact]
    public async Task ReadAsync_NotParquet_SaysSo()
    {
        var ex = await Assert.ThrowsAsync<TrainingDataException>(() =>
            TabularReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes("x,y\n1,2\n")), DataFormats.Parquet, TestSpecs.Small(), CancellationToken.None));

        Assert.StartsWith("The data is not a Parquet file", ex.Message, StringComparison.Ordinal);
    }

    [SharedDataTheory("data/adult")]
    [InlineData("adult-train.csv", 32561, 7841, 39f)]
    [InlineData("adult-test.csv", 16281, 3846, 25f)]
    public async Task ReadAsync_Adult_ReadsWithTheSpecsColumnNames(string file, int rows, int positives, float firstAge)
    {
        await using var data = File.OpenRead(Path.Combine(RepositoryPaths.Shared!, "data", "adult", file));

        var read = await TabularReader.ReadAsync(data, DataFormats.Csv, TestSpecs.Adult(), CancellationToken.None);

        var table = read.Table;
        Assert.Equal(rows, table.RowCount);
        Assert.Equal(0, read.DroppedRows);
        Assert.Equal(positives, table.Label.Count(l => l == 1));
        Assert.Equal(6, table.Numeric.Count);
        Assert.Equal(7, table.Categorical.Count);
        Assert.Equal(["Female", "Male"], table.Groups.Single().Values.Distinct().Order(StringComparer.Ordinal));
        Assert.Contains(string.Empty, table.Categorical.Single(c => c.Name == "workclass").Values);
        Assert.Equal(firstAge, table.Numeric.Single(c => c.Name == "age").Values[0]);
    }
}
