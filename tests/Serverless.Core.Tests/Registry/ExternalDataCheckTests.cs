using Serverless.Core.Registry;
using Serverless.Testing;

namespace Serverless.Core.Tests.Registry;

public sealed class ExternalDataCheckTests
{
    public static TheoryData<string, byte[], string> ExternalModels => new()
    {
        { "initializer", OnnxTensorModelBuilder.AddWeights(4, "local.settings.json"), "'w'" },
        { "Constant attribute", OnnxTensorModelBuilder.ConstantFromExternal("host.json"), "'c_value'" },
        { "subgraph initializer", OnnxTensorModelBuilder.IfWithExternalSubgraph("host.json"), "'secret'" },
        { "function body", OnnxTensorModelBuilder.FunctionWithExternalConstant("host.json"), "'k_value'" },
    };

    [Theory]
    [MemberData(nameof(ExternalModels))]
    public void EnsureSelfContained_ExternalTensorAnywhere_ThrowsNamingTheTensorAndItsFile(string where, byte[] model, string tensor)
    {
        var ex = Assert.Throws<InvalidModelException>(() => ExternalDataCheck.EnsureSelfContained(new MemoryStream(model)));

        Assert.Contains(tensor, ex.Message, StringComparison.Ordinal);
        Assert.Contains("external data", ex.Message, StringComparison.Ordinal);
        Assert.True(ex.Message.Contains("host.json", StringComparison.Ordinal) || ex.Message.Contains("local.settings.json", StringComparison.Ordinal), where);
    }

    [Fact]
    public void EnsureSelfContained_SubgraphTensor_SaysWhichNodeHoldsIt()
    {
        var ex = Assert.Throws<InvalidModelException>(() => ExternalDataCheck.EnsureSelfContained(new MemoryStream(OnnxTensorModelBuilder.IfWithExternalSubgraph("x.bin"))));

        Assert.Contains("node 'choose'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("then_branch", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureSelfContained_TensorsInsideTheFile_Passes()
    {
        ExternalDataCheck.EnsureSelfContained(new MemoryStream(OnnxTensorModelBuilder.AddWeights(16)));
        ExternalDataCheck.EnsureSelfContained(new MemoryStream(OnnxModelBuilder.ZipMap(0, 1)));
    }

    [Fact]
    public void EnsureSelfContained_NotProtobuf_ThrowsNotAnOnnxModel()
    {
        var ex = Assert.Throws<InvalidModelException>(() => ExternalDataCheck.EnsureSelfContained(new MemoryStream([1, 2, 3, 4, 5])));

        Assert.Contains("not an ONNX model", ex.Message, StringComparison.Ordinal);
    }
}
