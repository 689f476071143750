using Serverless.Core.Batch;

namespace Serverless.Core.Tests.Batch;

public sealed class BatchOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed() => Assert.True(new BatchOptionsValidator().Validate(null, new BatchOptions()).Succeeded);

    [Theory]
    [InlineData("ChunkRows", "Batch__ChunkRows")]
    [InlineData("MaxParallelChunks", "Batch__MaxParallelChunks")]
    [InlineData("InputContainers", "Batch__InputContainers")]
    [InlineData("OutputContainers", "Batch__OutputContainers")]
    [InlineData("EventQueue", "Batch__EventQueue")]
    public void Validate_BadValue_FailsNamingTheSetting(string property, string setting)
    {
        var options = new BatchOptions();
        switch (property)
        {
            case "ChunkRows": options.ChunkRows = 0; break;
            case "MaxParallelChunks": options.MaxParallelChunks = 0; break;
            case "InputContainers": options.InputContainers = "Bad_Name"; break;
            case "OutputContainers": options.OutputContainers = " "; break;
            default: options.EventQueue = "x"; break;
        }

        var result = new BatchOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(setting, result.FailureMessage, StringComparison.Ordinal);
    }
}
