using System.Text;
using Serverless.Core.Serving;
using Serverless.Core.Serving.Protocol;
using Serverless.Testing;

namespace Serverless.Core.Tests.Serving.Protocol;

public sealed class OpenInferenceCodecTests
{
    private const string B = """{"name": "b", "shape": [2], "datatype": "FP32", "data": [10, 20]}""";

    private static float[] Inputs(string body, string input = "a")
    {
        using var model = ServingTestModels.Load(OnnxModelBuilder.Add(2));
        using var parsed = InferenceBody.Parse(Encoding.UTF8.GetBytes(body));
        using var request = OpenInferenceCodec.Read(parsed, model);
        return request.Inputs[request.InputNames.IndexOf(input)].GetTensorDataAsSpan<float>().ToArray();
    }

    private static string Refusal(string body)
    {
        using var model = ServingTestModels.Load(OnnxModelBuilder.Add(2));
        return Assert.Throws<InvalidInferenceRequestException>(() =>
        {
            using var parsed = InferenceBody.Parse(Encoding.UTF8.GetBytes(body));
            OpenInferenceCodec.Read(parsed, model).Dispose();
        }).Message;
    }

    [Theory]
    [InlineData("""{"name": "a", "shape": [2], "datatype": "FP32", "data": [1, 2]}""")]
    [InlineData("""{"data": [1, 2], "datatype": "FP32", "shape": [2], "name": "a"}""")]
    [InlineData("""{"shape": [2], "data": [1, 2], "name": "a", "datatype": "FP32"}""")]
    [InlineData("""{"name": "a", "shape": [2], "datatype": "FP32", "data": [7, 8], "shape": [2], "data": [1, 2]}""")]
    [InlineData("""{"name": "a", "shape": [2], "datatype": "FP64", "data": [1, 2], "datatype": "FP32"}""")]
    public void Read_InputFieldsInAnyOrderOrGivenTwice_TheLastOfEachIsRead(string a) =>
        Assert.Equal([1f, 2], Inputs($$"""{"inputs": [{{a}}, {{B}}]}"""));

    [Fact]
    public void Read_InputsBeforeTheRestOfTheRequest_ReadsTheIdAndOutputs()
    {
        using var model = ServingTestModels.Load(OnnxModelBuilder.Add(2));
        using var parsed = InferenceBody.Parse(Encoding.UTF8.GetBytes(
            $$$"""{"inputs": [{"name": "a", "shape": [2], "datatype": "FP32", "data": [1, 2]}, {{{B}}}], "outputs": [{"name": "sum"}], "id": "r-1", "parameters": {"routing_key": 42}}"""));

        using var request = OpenInferenceCodec.Read(parsed, model);

        Assert.Equal("r-1", request.Id);
        Assert.Equal(["sum"], request.OutputNames);
        Assert.Equal("42", parsed.RoutingKey());
    }

    [Fact]
    public void Read_BareNaNAndInfinityAsPythonWritesThem_ReadAsTheProtocolsStrings()
    {
        var values = Inputs($$"""{"inputs": [{"name": "a", "shape": [2], "datatype": "FP32", "data": [NaN, -Infinity]}, {{B}}]}""");

        Assert.True(float.IsNaN(values[0]));
        Assert.Equal(float.NegativeInfinity, values[1]);
    }

    [Theory]
    [InlineData("""{"inputs": [{"name": "a", "shape": [2], "datatype": "FP32", "data": [1, 2]}, B]} x""", "The body is not valid JSON: ")]
    [InlineData("""{"inputs": [{"name": "a", "shape": [2], "datatype": "FP32", "data": [1, 2]}, B]""", "The body is not valid JSON: ")]
    [InlineData("""[{"inputs": []}]""", "The body must be a JSON object.")]
    [InlineData("""{"inputs": [{"name": "c", "shape": [2], "datatype": "FP32", "data": [1, "x"]}, B]}""", "Unknown input 'c'")]
    [InlineData("""{"inputs": [{"data": [1, "x"], "shape": [3], "name": "a", "datatype": "FP32"}, B]}""", "Input 'a' has shape [3], but the model takes [2]")]
    [InlineData("""{"inputs": [{"data": [1, "x"], "shape": [2], "name": "a", "datatype": "FP32"}, B]}""", "Input 'a': value 1 (\"x\") is not a valid FP32")]
    [InlineData("""{"inputs": [{"data": [1], "shape": [2], "datatype": "FP32", "name": "a"}, B]}""", "Input 'a': data has 1 values, but shape [2] needs 2 there.")]
    [InlineData("""{"inputs": [{"name": "a", "shape": [2], "datatype": "FP64", "data": [1, "x"]}, B]}""", "Input 'a' has datatype FP64, but the model takes FP32.")]
    [InlineData("""{"inputs": [{"name": "a", "shape": [2], "datatype": 32, "data": [1, 2]}, B]}""", "'datatype' must be a string.")]
    [InlineData("""{"inputs": [{"name": "a", "shape": [2, -1], "datatype": "FP32", "data": [1, 2]}, B]}""", "Input 'a': shape [2, -1] must hold whole numbers of zero or more.")]
    [InlineData("""{"inputs": [{"name": "a", "shape": [2], "datatype": "FP32"}, B]}""", "Input 'a' needs 'data': an array of 2 values.")]
    [InlineData("""{"inputs": [B, {"name": "a", "shape": [2], "datatype": "FP32", "data": [1, 2]}], "outputs": [{"name": 1}]}""", "'name' must be a string.")]
    [InlineData("""{"inputs": [B, {"name": "a", "shape": [2], "datatype": "FP32", "data": [1, 2]}], "outputs": [7]}""", "Unknown output 7.")]
    [InlineData("""{"inputs": [B, B], "id": 5}""", "'id' must be a string.")]
    [InlineData("""{"inputs": [B, B]}""", "Input 'b' is given twice.")]
    [InlineData("""{"inputs": [B]}""", "Missing input(s): a.")]
    public void Read_NotFittingTheModel_TheFirstMistakeInTheOrderOfTheChecks(string template, string expected) =>
        Assert.StartsWith(expected, Refusal(template.Replace("B", B, StringComparison.Ordinal)), StringComparison.Ordinal);
}
