using System.Text.Json;
using Serverless.Core.Training.Specs;

namespace Serverless.Demo;

/// <summary>The demo model's spec: what the README shows and the first run puts.</summary>
public static class DemoSpec
{
    /// <summary>The uploaded dataset the spec trains from.</summary>
    public const string DatasetName = "loan-applications";

    /// <summary>The spec as JSON.</summary>
    public const string Json = """
        {
          "description": "Demo loan approval classifier, trained by the retraining line on generated applications",
          "task": "binary",
          "data": {
            "dataset": "loan-applications",
            "features": [
              { "name": "income", "type": "numeric" },
              { "name": "debt_ratio", "type": "numeric" },
              { "name": "years_employed", "type": "numeric" },
              { "name": "late_payments", "type": "numeric" },
              { "name": "employment", "type": "categorical" }
            ],
            "label": { "name": "approved", "positive": "yes" },
            "protected": [ { "name": "gender" } ]
          },
          "trainer": { "name": "fasttree", "hyperparameters": { "numberOfTrees": 50 }, "holdoutFraction": 0.2, "seed": 42 },
          "gates": {
            "minimum": { "auc": 0.85 },
            "maxRegression": { "auc": 0.01 },
            "fairness": { "minDisparateImpact": 0.8, "maxEqualOpportunityDifference": 0.1 }
          },
          "approval": { "mode": "automatic" }
        }
        """;

    /// <summary>The spec as the core reads it.</summary>
    public static ModelSpec Spec { get; } = JsonSerializer.Deserialize<ModelSpec>(Json)!;
}
