using System.Text.Json;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Tests.Training;

/// <summary>Specs the training tests start from.</summary>
internal static class TestSpecs
{
    /// <summary>The UCI Adult columns, in file order (the files have no header).</summary>
    public static readonly string[] AdultColumns =
    [
        "age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation", "relationship",
        "race", "sex", "capital-gain", "capital-loss", "hours-per-week", "native-country", "income",
    ];

    /// <summary>Adult as the issue describes it: binary on income, sex protected and excluded from the features.</summary>
    public static ModelSpec Adult(string source = "training-data/adult/adult-train.csv") => Parse($$$"""
        {
          "task": "binary",
          "data": {
            "source": "{{{source}}}",
            "hasHeader": false,
            "columns": {{{JsonSerializer.Serialize(AdultColumns)}}},
            "features": [
              {"name": "age", "type": "numeric"}, {"name": "workclass", "type": "categorical"},
              {"name": "fnlwgt", "type": "numeric"}, {"name": "education", "type": "categorical"},
              {"name": "education-num", "type": "numeric"}, {"name": "marital-status", "type": "categorical"},
              {"name": "occupation", "type": "categorical"}, {"name": "relationship", "type": "categorical"},
              {"name": "race", "type": "categorical"}, {"name": "capital-gain", "type": "numeric"},
              {"name": "capital-loss", "type": "numeric"}, {"name": "hours-per-week", "type": "numeric"},
              {"name": "native-country", "type": "categorical"}
            ],
            "label": {"name": "income", "positive": [">50K", ">50K."]},
            "protected": [{"name": "sex"}]
          },
          "trainer": {"name": "fasttree", "holdoutFraction": 0.2, "seed": 7},
          "gates": {"minimum": {"auc": 0.85}, "maxRegression": {"auc": 0.01}, "fairness": {"minDisparateImpact": 0.3}},
          "approval": {"mode": "manual", "timeout": "2.00:00:00"},
          "schedule": "0 0 3 * * *"
        }
        """);

    /// <summary>
    /// A small spec over a CSV with header <c>x,color,group,y</c>: x numeric, color categorical, y the label (positive
    /// "yes" for binary), group protected.
    /// </summary>
    public static ModelSpec Small(string task = ModelTasks.Binary, string source = "training-data/small.csv", string? format = null) => new(
        task,
        new DataSpec(
            Source: source,
            Format: format,
            Features: [new FeatureSpec("x", FeatureTypes.Numeric), new FeatureSpec("color", FeatureTypes.Categorical)],
            Label: new LabelSpec("y", task == ModelTasks.Binary ? ["yes"] : null),
            Protected: [new ProtectedAttributeSpec("group")]),
        new TrainerSpec("fasttree"));

    /// <summary>Reads a spec as the HTTP edge would.</summary>
    public static ModelSpec Parse(string json) => JsonSerializer.Deserialize<ModelSpec>(json)!;
}
