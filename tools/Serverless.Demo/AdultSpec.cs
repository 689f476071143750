using System.Text.Json.Nodes;

namespace Serverless.Demo;

/// <summary>
/// A spec for data in the wild: UCI Adult as distributed (no header row, spaces after the commas, '?' for missing, test
/// labels written "&gt;50K."), with sex as the protected attribute kept out of the features. The Adult test and the
/// retraining benchmark train from it.
/// </summary>
public static class AdultSpec
{
    /// <summary>The file's columns, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation", "relationship",
        "race", "sex", "capital-gain", "capital-loss", "hours-per-week", "native-country", "income",
    ];

    private static readonly string[] Categorical = ["workclass", "education", "marital-status", "occupation", "relationship", "race", "native-country"];

    /// <summary>The spec reading <paramref name="source"/> (<c>container/path</c>), FastTree, AUC at least 0.9, default fairness gates.</summary>
    public static JsonObject Create(string source) => new()
    {
        ["task"] = "binary",
        ["data"] = new JsonObject
        {
            ["source"] = source,
            ["hasHeader"] = false,
            ["columns"] = new JsonArray([.. Columns.Select(c => JsonValue.Create(c))]),
            ["features"] = new JsonArray([.. Columns.Where(c => c is not "sex" and not "income").Select(c => new JsonObject
            {
                ["name"] = c,
                ["type"] = Categorical.Contains(c) ? "categorical" : "numeric",
            })]),
            ["label"] = new JsonObject { ["name"] = "income", ["positive"] = new JsonArray(">50K", ">50K.") },
            ["protected"] = new JsonArray(new JsonObject { ["name"] = "sex" }),
        },
        ["trainer"] = new JsonObject { ["name"] = "fasttree" },
        ["gates"] = new JsonObject { ["minimum"] = new JsonObject { ["auc"] = 0.9 } },
    };
}
