namespace Serverless.Cli.Tests;

/// <summary>Answers in the shapes of the retraining API contract (docs: the lead's retraining-api notes).</summary>
internal static class Canned
{
    public const string Models = """{"models":[{"name":"churn","latestVersion":4,"createdAt":"2026-11-20T08:00:00Z","aliases":{"production":3,"staging":4}},{"name":"loan-approval","latestVersion":1,"createdAt":"2026-11-21T09:30:00Z","aliases":{}}]}""";

    public const string Model = """
        {"name":"churn","latestVersion":2,"createdAt":"2026-11-20T08:00:00Z","aliases":{"production":2},
         "versions":[
           {"name":"churn","version":1,"sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","sizeBytes":106000,"artifact":"x","signature":{},"registeredAt":"2026-11-20T08:00:00Z","metadata":{"registeredBy":"alice","description":"baseline","trainingData":"adls://churn/2026-10","metrics":{"auc":0.91}}},
           {"name":"churn","version":2,"sha256":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","sizeBytes":107000,"artifact":"y","signature":{},"registeredAt":"2026-11-21T08:00:00Z","metadata":{"registeredBy":"retraining","description":"retrained","trainingData":"dataset:churn","metrics":{"auc":0.9312}}}],
         "aliasHistory":[{"alias":"production","version":2,"previousVersion":1,"changedAt":"2026-11-21T08:05:00Z","changedBy":"bob"}],
         "events":[{"version":1,"kind":"integrity-failure","message":"artifact hash mismatch","at":"2026-11-22T00:00:00Z"}]}
        """;

    public const string Lineage = """
        {"model":"adult","version":5,"status":"promoted","registeredAt":"2026-11-27T10:00:00Z","sha256":"cafe0000",
         "dataset":{"id":"d5e1a7","source":"dataset:adult","format":"csv","sizeBytes":3974305,"rows":30162,"droppedRows":2399,
                    "schema":[{"name":"age","role":"feature","type":"numeric"},{"name":"sex","role":"protected","type":"categorical"}],"baseline":[]},
         "spec":{"version":3,"sha256":"5bec5bec"},
         "trainer":{"name":"fasttree","hyperparameters":{"numberOfTrees":100}},
         "codeVersion":"1.0.0+abc123",
         "metrics":{
           "candidate":{"rows":6000,"metrics":{"auc":0.9281,"f1":0.71},"groups":{"sex":{"Female":{"rows":2000,"positiveRate":0.11,"truePositiveRate":0.6,"metrics":{"auc":0.93}},"Male":{"rows":4000,"positiveRate":0.3,"truePositiveRate":0.65,"metrics":{"auc":0.91}}}},
                        "fairness":{"sex":{"disparateImpact":0.3667,"equalOpportunityDifference":0.05,"lowestGroup":"Female","highestGroup":"Male"}}},
           "champion":{"rows":6000,"metrics":{"auc":0.9102,"f1":0.69},"groups":{},"fairness":{"sex":{"disparateImpact":0.35,"equalOpportunityDifference":0.07,"lowestGroup":"Female","highestGroup":"Male"}}},
           "championVersion":4},
         "gates":{"passed":false,"results":[
           {"gate":"minimum:auc","value":0.9281,"threshold":0.85,"passed":true,"message":"auc 0.9281 >= 0.85"},
           {"gate":"fairness:sex:disparateImpact","value":0.3667,"threshold":0.8,"passed":false,"message":"disparate impact across sex 0.3667 < 0.8"}]},
         "approval":{"decision":"approved","by":"carol","at":"2026-11-27T10:02:00Z","reason":"reviewed the fairness report"},
         "instanceId":"retrain-adult-42","rejectionReasons":[],
         "aliasHistory":[{"alias":"production","version":5,"previousVersion":4,"changedAt":"2026-11-27T10:03:00Z","changedBy":"carol","reason":"promoted by retraining"}],
         "events":[]}
        """;

    public const string SpecStored = """{"model":"churn","version":2,"sha256":"0123456789abcdef0123","spec":{"task":"binary"},"createdAt":"2026-11-27T10:00:00Z","createdBy":"alice","created":true}""";

    public const string SpecUnchanged = """{"model":"churn","version":2,"sha256":"0123456789abcdef0123","spec":{"task":"binary"},"createdAt":"2026-11-27T10:00:00Z","createdBy":"alice","created":false}""";

    public const string SpecErrors = """
        {"error":"The spec has 2 errors.","errors":[
          {"field":"data.features[0].type","message":"must be 'numeric' or 'categorical', not 'text'"},
          {"field":"trainer.name","message":"unknown trainer 'xgboost'; use fasttree, lightgbm, linear or external"}]}
        """;

    public const string Specs = """{"specs":[{"model":"churn","version":2,"sha256":"0123456789abcdef0123","spec":{"task":"binary","data":{"dataset":"churn-data"},"trainer":{"name":"lightgbm"},"approval":{"mode":"manual"},"schedule":"0 0 3 * * *"},"createdAt":"2026-11-27T10:00:00Z","createdBy":"alice","created":true}]}""";

    public const string Dataset = """{"name":"adult","sha256":"d5e1a7d5e1a7d5e1a7","sizeBytes":2048,"uploadedAt":"2026-11-27T10:00:00Z","uploadedBy":"alice"}""";

    public const string Datasets = """{"datasets":[{"name":"adult","sha256":"d5e1a7d5e1a7d5e1a7","sizeBytes":2048,"uploadedAt":"2026-11-27T10:00:00Z","uploadedBy":"alice"}]}""";

    public const string Started = """{"instanceId":"run-1","model":"churn","statusUrl":"/models/churn/retrainings/run-1"}""";

    public const string Retrainings = """{"retrainings":[{"instanceId":"run-1","model":"churn","trigger":"http","startedBy":"alice","startedAt":"2026-11-27T10:00:00Z","runtimeStatus":"Completed","outcome":"promoted","completedAt":"2026-11-27T10:00:09Z"}]}""";

    /// <summary>A status in the contract's shape, with the steps given as (name, outcome) pairs: outcome "" for a running step.</summary>
    public static string Status(string runtimeStatus, string? currentStep, string? outcome, string? reason, params (string Name, string Outcome)[] steps)
    {
        string Step((string Name, string Outcome) s) => s.Outcome.Length == 0
            ? $$"""{"name":"{{s.Name}}","startedAt":"2026-11-27T10:00:01Z","endedAt":null,"outcome":null,"detail":null}"""
            : $$"""{"name":"{{s.Name}}","startedAt":"2026-11-27T10:00:01Z","endedAt":"2026-11-27T10:00:03Z","outcome":"{{s.Outcome}}","detail":"{{s.Name}} detail"}""";
        string Json(string? value) => value is null ? "null" : $"\"{value}\"";
        return $$"""
            {"instanceId":"run-1","model":"churn","runtimeStatus":"{{runtimeStatus}}","currentStep":{{Json(currentStep)}},
             "steps":[{{string.Join(",", steps.Select(Step))}}],"candidateVersion":5,"outcome":{{Json(outcome)}},"reason":{{Json(reason)}},
             "startedBy":"alice","trigger":"http","startedAt":"2026-11-27T10:00:00Z","lastUpdatedAt":"2026-11-27T10:00:03Z"}
            """;
    }
}
