using System.Text.Json;
using Serverless.Core.Training.Specs;
using Serverless.Core.Training.Trainers;

namespace Serverless.Core.Tests.Training.Trainers;

public sealed class TrainerCatalogTests
{
    [Theory]
    [InlineData("fasttree", """{"numberOfTrees": 200, "numberOfLeaves": 31, "minimumExampleCountPerLeaf": 5, "learningRate": 0.1}""")]
    [InlineData("lightgbm", """{"numberOfIterations": 50, "numberOfLeaves": 2, "minimumExampleCountPerLeaf": 1, "learningRate": 1}""")]
    [InlineData("linear", """{"l1Regularization": 0, "l2Regularization": 0.5, "maximumNumberOfIterations": 100}""")]
    [InlineData("external", null)]
    public void Validate_KnownValuesInRange_HasNoErrors(string trainer, string? hyperparameters)
    {
        Assert.Empty(TrainerCatalog.Validate(Trainer(trainer, hyperparameters), ModelTasks.Binary));
    }

    [Fact]
    public void Validate_UnknownTrainer_NamesTheAllowedOnes()
    {
        var error = Assert.Single(TrainerCatalog.Validate(new TrainerSpec("xgboost"), ModelTasks.Binary));

        Assert.Equal("trainer.name", error.Field);
        Assert.Contains("fasttree, lightgbm, linear, external", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownHyperparameter_ListsTheAllowedOnes()
    {
        var error = Assert.Single(TrainerCatalog.Validate(Trainer("fasttree", """{"numTrees": 10}"""), ModelTasks.Binary));

        Assert.Equal("trainer.hyperparameters.numTrees", error.Field);
        Assert.Contains("numberOfTrees, numberOfLeaves, minimumExampleCountPerLeaf, learningRate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EveryProblem_IsReportedAtOnce()
    {
        var errors = TrainerCatalog.Validate(
            Trainer("fasttree", """{"numberOfTrees": "many", "numberOfLeaves": 1, "minimumExampleCountPerLeaf": 2.5, "learningRate": 0}"""),
            ModelTasks.Binary).ToList();

        Assert.Equal(
            ["trainer.hyperparameters.numberOfTrees", "trainer.hyperparameters.numberOfLeaves", "trainer.hyperparameters.minimumExampleCountPerLeaf", "trainer.hyperparameters.learningRate"],
            errors.Select(e => e.Field));
        Assert.Equal("'numberOfTrees' must be a number, not the string \"many\".", errors[0].Message);
        Assert.Equal("'numberOfLeaves' must be a whole number at least 2 and at most 1024, not 1.", errors[1].Message);
        Assert.Contains("whole number", errors[2].Message, StringComparison.Ordinal);
        Assert.Equal("'learningRate' must be greater than 0 and at most 1, not 0.", errors[3].Message);
    }

    [Fact]
    public void Validate_NegativeRegularization_IsRefused()
    {
        var error = Assert.Single(TrainerCatalog.Validate(Trainer("linear", """{"l2Regularization": -1}"""), ModelTasks.Regression));

        Assert.Equal("trainer.hyperparameters.l2Regularization", error.Field);
    }

    [Fact]
    public void Validate_ExternalWithHyperparameters_IsRefused()
    {
        var error = Assert.Single(TrainerCatalog.Validate(Trainer("external", """{"numberOfTrees": 10}"""), ModelTasks.Binary));

        Assert.Equal("The trainer 'external' takes no hyperparameters.", error.Message);
    }

    [Fact]
    public void Effective_OverridesTheDefaults()
    {
        var values = TrainerCatalog.Effective(Trainer("lightgbm", """{"learningRate": 0.05}"""), ModelTasks.Binary);

        Assert.Equal(0.05, values["learningRate"]);
        Assert.Equal(100, values["numberOfIterations"]);
        Assert.Equal(4, values.Count);
        Assert.Empty(TrainerCatalog.Effective(new TrainerSpec("external"), ModelTasks.Binary));
    }

    private static TrainerSpec Trainer(string name, string? hyperparameters) =>
        new(name, hyperparameters is null ? null : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(hyperparameters));
}
