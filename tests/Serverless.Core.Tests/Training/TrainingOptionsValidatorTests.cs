using Serverless.Core.Training;

namespace Serverless.Core.Tests.Training;

public sealed class TrainingOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(new TrainingOptionsValidator().Validate(null, new TrainingOptions()).Succeeded);
    }

    [Fact]
    public void Validate_BadValues_NameEverySetting()
    {
        var options = new TrainingOptions { MaxDatasetBytes = 0, DatasetContainer = "Data", DataContainers = " , ", SpecTable = "specs-v2", DatasetTable = "d" };

        var result = new TrainingOptionsValidator().Validate(null, options);

        Assert.False(result.Succeeded);
        Assert.Equal(
            ["Training__MaxDatasetBytes", "Training__DatasetContainer", "Training__DataContainers", "Training__SpecTable", "Training__DatasetTable"],
            result.Failures!.Select(f => f.Split(' ')[0]));
    }
}
