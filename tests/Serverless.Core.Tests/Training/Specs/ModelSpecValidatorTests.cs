using System.Text.Json;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Tests.Training.Specs;

public sealed class ModelSpecValidatorTests
{
    private static readonly ModelSpec Adult = TestSpecs.Adult();
    private static readonly DataSpec AdultData = Adult.Data!;

    public static TheoryData<string, ModelSpec, string, string> Broken() => new()
    {
        { "no task", Adult with { Task = null }, "task", "Required" },
        { "unknown task", Adult with { Task = "ranking" }, "task", "'ranking' is not a task" },
        { "no data", Adult with { Data = null }, "data", "Required" },
        { "source and dataset", Adult with { Data = AdultData with { Dataset = "adult" } }, "data", "exactly one" },
        { "neither source nor dataset", Adult with { Data = AdultData with { Source = null } }, "data", "exactly one" },
        { "source without container", Adult with { Data = AdultData with { Source = "adult.csv" } }, "data.source", "not a blob reference" },
        { "bad container name", Adult with { Data = AdultData with { Source = "Training_Data/a.csv" } }, "data.source", "not a blob reference" },
        { "source without extension", Adult with { Data = AdultData with { Source = "training-data/adult.data" } }, "data.source", "give data.format" },
        { "bad dataset name", Adult with { Data = AdultData with { Source = null, Dataset = "../adult" } }, "data.dataset", "not a valid dataset name" },
        { "parquet dataset", Adult with { Data = AdultData with { Source = null, Dataset = "adult", Format = "parquet" } }, "data.format", "Uploaded datasets are CSV" },
        { "unknown format", Adult with { Data = AdultData with { Format = "xlsx" } }, "data.format", "'xlsx' is not a format" },
        { "no header, no columns", Adult with { Data = AdultData with { Columns = null } }, "data.columns", "Required when data.hasHeader is false" },
        { "no header, empty columns", Adult with { Data = AdultData with { Columns = [] } }, "data.columns", "Required when data.hasHeader is false" },
        { "empty column name", Adult with { Data = AdultData with { Columns = [.. TestSpecs.AdultColumns, " "] } }, "data.columns[15]", "must not be empty" },
        { "duplicate column", Adult with { Data = AdultData with { Columns = [.. TestSpecs.AdultColumns, "age"] } }, "data.columns[15]", "listed twice" },
        { "long separator", Adult with { Data = AdultData with { Separator = ";;" } }, "data.separator", "exactly one ASCII character" },
        { "non-ASCII separator", Adult with { Data = AdultData with { Separator = "§" } }, "data.separator", "exactly one ASCII character" },
        { "quote separator", Adult with { Data = AdultData with { Separator = "\"" } }, "data.separator", "not a quote" },
        { "no features", Adult with { Data = AdultData with { Features = [] } }, "data.features", "at least one feature" },
        { "feature without name", Adult with { Data = AdultData with { Features = [new FeatureSpec(null, "numeric")] } }, "data.features[0].name", "Required" },
        { "duplicate feature", Adult with { Data = AdultData with { Features = [.. AdultData.Features!, new FeatureSpec("age", "numeric")] } }, "data.features[13].name", "listed twice" },
        { "feature type", Adult with { Data = AdultData with { Features = [.. AdultData.Features!.Take(2), new FeatureSpec("fnlwgt", "integer")] } }, "data.features[2].type", "'integer' is not a feature type" },
        { "feature not a column", Adult with { Data = AdultData with { Features = [new FeatureSpec("salary", "numeric")] } }, "data.features[0].name", "not among data.columns" },
        { "no label", Adult with { Data = AdultData with { Label = null } }, "data.label", "Required" },
        { "label is a feature", Adult with { Data = AdultData with { Label = new LabelSpec("age", ["1"]) } }, "data.label.name", "also a feature" },
        { "label not a column", Adult with { Data = AdultData with { Label = new LabelSpec("salary", ["1"]) } }, "data.label.name", "not among data.columns" },
        { "binary without positive", Adult with { Data = AdultData with { Label = new LabelSpec("income") } }, "data.label.positive", "Required for a binary task" },
        { "multiclass with positive", Adult with { Task = "multiclass", Gates = null }, "data.label.positive", "Only a binary task" },
        { "protected twice", Adult with { Data = AdultData with { Protected = [new("sex"), new("sex")] } }, "data.protected[1].name", "listed twice" },
        { "protected is the label", Adult with { Data = AdultData with { Protected = [new("income")] } }, "data.protected[0].name", "is the label" },
        { "protected excluded but a feature", Adult with { Data = AdultData with { Protected = [new("race")] } }, "data.protected[0].excludeFromFeatures", "remove it there" },
        { "protected trained on but no feature", Adult with { Data = AdultData with { Protected = [new("sex", false)] } }, "data.protected[0].excludeFromFeatures", "add it there" },
        { "protected not a column", Adult with { Data = AdultData with { Protected = [new("gender")] } }, "data.protected[0].name", "not among data.columns" },
        { "numeric missing policy", Adult with { Data = AdultData with { Missing = new MissingValuePolicy("median") } }, "data.missing.numeric", "'median'" },
        { "categorical missing policy", Adult with { Data = AdultData with { Missing = new MissingValuePolicy(null, "mode") } }, "data.missing.categorical", "'mode'" },
        { "no trainer", Adult with { Trainer = null }, "trainer", "Required" },
        { "unknown trainer", Adult with { Trainer = new TrainerSpec("xgboost") }, "trainer.name", "'xgboost' is not a trainer" },
        { "holdout zero", Adult with { Trainer = new TrainerSpec("fasttree", HoldoutFraction: 0) }, "trainer.holdoutFraction", "out of range" },
        { "holdout over half", Adult with { Trainer = new TrainerSpec("fasttree", HoldoutFraction: 0.6) }, "trainer.holdoutFraction", "out of range" },
        { "negative seed", Adult with { Trainer = new TrainerSpec("fasttree", Seed: -1) }, "trainer.seed", "negative" },
        { "external with hyperparameters", Adult with { Trainer = new TrainerSpec("external", new Dictionary<string, JsonElement> { ["numberOfTrees"] = JsonSerializer.SerializeToElement(10) }) }, "trainer.hyperparameters", "external trainer" },
        { "metric of another task", Adult with { Gates = new GateSpec(Minimum: new Dictionary<string, double> { ["rmse"] = 1 }) }, "gates.minimum.rmse", "not a metric of a binary task" },
        { "maximum unknown metric", Adult with { Gates = new GateSpec(Maximum: new Dictionary<string, double> { ["loss"] = 1 }) }, "gates.maximum.loss", "not a metric" },
        { "negative regression", Adult with { Gates = new GateSpec(MaxRegression: new Dictionary<string, double> { ["auc"] = -0.1 }) }, "gates.maxRegression.auc", "negative" },
        { "fairness for regression", Adult with { Task = "regression", Data = AdultData with { Label = new LabelSpec("income") }, Gates = new GateSpec(Fairness: new FairnessGateSpec()) }, "gates.fairness", "classification only" },
        { "disparate impact over 1", Adult with { Gates = new GateSpec(Fairness: new FairnessGateSpec(1.5)) }, "gates.fairness.minDisparateImpact", "between 0 and 1" },
        { "equal opportunity negative", Adult with { Gates = new GateSpec(Fairness: new FairnessGateSpec(null, -0.1)) }, "gates.fairness.maxEqualOpportunityDifference", "between 0 and 1" },
        { "approval mode", Adult with { Approval = new ApprovalSpec("vote") }, "approval.mode", "'vote' is not an approval mode" },
        { "timeout without manual", Adult with { Approval = new ApprovalSpec("automatic", TimeSpan.FromHours(1)) }, "approval.timeout", "Only manual approval waits" },
        { "timeout zero", Adult with { Approval = new ApprovalSpec("manual", TimeSpan.Zero) }, "approval.timeout", "out of range" },
        { "timeout over 30 days", Adult with { Approval = new ApprovalSpec("manual", TimeSpan.FromDays(31)) }, "approval.timeout", "at most 30 days" },
        { "five-field schedule", Adult with { Schedule = "0 3 * * *" }, "schedule", "six fields" },
        { "bad schedule", Adult with { Schedule = "0 0 25 * * *" }, "schedule", "not a valid NCRONTAB expression" },
    };

    [Fact]
    public void Validate_AdultSpec_ReturnsNoErrors()
    {
        Assert.Empty(ModelSpecValidator.Validate(Adult));
    }

    [Fact]
    public void Validate_MinimalSpecs_ReturnNoErrors()
    {
        Assert.Empty(ModelSpecValidator.Validate(TestSpecs.Small()));
        Assert.Empty(ModelSpecValidator.Validate(TestSpecs.Small("multiclass")));
        Assert.Empty(ModelSpecValidator.Validate(TestSpecs.Small("regression", "training-data/data.bin", "parquet")));
        Assert.Empty(ModelSpecValidator.Validate(TestSpecs.Small() with { Data = TestSpecs.Small().Data! with { Source = null, Dataset = "small.v2" } }));
        Assert.Empty(ModelSpecValidator.Validate(Adult with { Trainer = new TrainerSpec("external"), Approval = new ApprovalSpec("manual") }));
    }

    [Theory]
    [MemberData(nameof(Broken))]
    public void Validate_BrokenSpec_ReturnsOneErrorNamingTheField(string why, ModelSpec spec, string field, string message)
    {
        var errors = ModelSpecValidator.Validate(spec);

        // Exactly one error: a mistake is reported once, at its own field, without knock-on errors elsewhere.
        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.True(error.Message.Contains(message, StringComparison.Ordinal), $"{why}: '{error.Message}' does not say '{message}'.");
    }

    [Fact]
    public void Validate_ManyMistakes_ReturnsEveryErrorAtOnce()
    {
        var spec = TestSpecs.Parse("""
            {
              "task": "binary",
              "data": {
                "source": "training-data/x.csv",
                "features": [{"name": "a", "type": "numeric"}, {"name": "a", "type": "text"}],
                "label": {"name": "y"},
                "missing": {"numeric": "zero"}
              },
              "trainer": {"name": "forest", "holdoutFraction": 2},
              "gates": {"minimum": {"r2": 0.5}},
              "approval": {"timeout": "1.00:00:00"},
              "schedule": "@daily"
            }
            """);

        var fields = ModelSpecValidator.Validate(spec).Select(e => e.Field).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(
            [
                "approval.timeout", "data.features[1].name", "data.features[1].type", "data.label.positive", "data.missing.numeric",
                "gates.minimum.r2", "schedule", "trainer.holdoutFraction", "trainer.name",
            ],
            fields);
    }

    [Fact]
    public void InvalidSpecException_Message_ListsEveryError()
    {
        var errors = ModelSpecValidator.Validate(Adult with { Task = "ranking", Schedule = "daily" });

        var ex = new Serverless.Core.Training.InvalidSpecException(errors);

        Assert.Equal(2, ex.Errors.Count);
        Assert.StartsWith("The spec has 2 errors: task: 'ranking' is not a task", ex.Message, StringComparison.Ordinal);
        Assert.Contains("; schedule: 'daily' has 1 field(s)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelSpecDefaults_EmptySpec_GivesTheDocumentedDefaults()
    {
        var spec = new ModelSpec("binary", new DataSpec(), new TrainerSpec("fasttree"));

        Assert.Equal(0.2, ModelSpecDefaults.HoldoutFraction(spec));
        Assert.Equal(42, ModelSpecDefaults.Seed(spec));
        Assert.Equal(["", "?"], ModelSpecDefaults.MissingValues(spec));
        Assert.True(ModelSpecDefaults.HasHeader(spec));
        Assert.Equal(',', ModelSpecDefaults.Separator(spec));
        Assert.Equal("mean", ModelSpecDefaults.NumericMissing(spec));
        Assert.Equal("category", ModelSpecDefaults.CategoricalMissing(spec));
        Assert.Equal("automatic", ModelSpecDefaults.ApprovalMode(spec));
        Assert.Equal(TimeSpan.FromDays(1), ModelSpecDefaults.ApprovalTimeout(spec));
        Assert.Equal(0.8, ModelSpecDefaults.MinDisparateImpact(spec));
        Assert.Equal(0.1, ModelSpecDefaults.MaxEqualOpportunityDifference(spec));
        Assert.True(ModelSpecDefaults.ExcludeFromFeatures(new ProtectedAttributeSpec("sex")));
        Assert.Equal("parquet", ModelSpecDefaults.Format(spec, "c/x.Parquet"));
        Assert.Equal("csv", ModelSpecDefaults.Format(spec, "dataset:adult"));
        Assert.Null(ModelSpecDefaults.Format(spec, "c/x.data"));
    }

    [Fact]
    public void ModelSpecDefaults_AdultSpec_ReadsItsValues()
    {
        Assert.Equal(7, ModelSpecDefaults.Seed(Adult));
        Assert.False(ModelSpecDefaults.HasHeader(Adult));
        Assert.Equal(0.3, ModelSpecDefaults.MinDisparateImpact(Adult));
        Assert.Equal(TimeSpan.FromDays(2), ModelSpecDefaults.ApprovalTimeout(Adult));
        Assert.Equal("training-data/adult/adult-train.csv", ModelSpecDefaults.Source(Adult));
    }
}
