using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Core.Governance;
using Serverless.Demo;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Retraining;

public sealed class RetrainingFunctionsTests(LocalRuntimeFixture fixture) : IClassFixture<LocalRuntimeFixture>
{
    private const string Alice = "alice@example.com";
    private const string Bob = "bob@example.com";

    private HttpClient Client => fixture.Runtime.Client;

    [Fact]
    public async Task StartRetraining_DemoSpecAndUploadedData_RunsEveryStepPromotesAndRecordsLineage()
    {
        string model = await PrepareAsync("line");

        string id = await Client.StartRetrainingAsync(model, """{"reason": "first model"}""", Alice);
        var status = await Client.WaitForOutcomeAsync(model, id);

        Assert.Equal("promoted", status.GetProperty("outcome").GetString());
        Assert.Equal(["snapshot", "train", "evaluate", "gates", "approval", "promote"], Steps(status).Select(s => s.Name));
        Assert.Equal(["succeeded", "succeeded", "succeeded", "succeeded", "skipped", "succeeded"], Steps(status).Select(s => s.Outcome));
        int version = status.GetProperty("candidateVersion").GetInt32();
        var model1 = await GetAsync($"/models/{model}");
        Assert.Equal(version, model1.GetProperty("aliases").GetProperty("production").GetInt32());

        var lineage = await GetAsync($"/models/{model}/versions/{version}/lineage");
        Assert.Equal("promoted", lineage.GetProperty("status").GetString());
        var training = lineage.GetProperty("training");
        Assert.Equal(id, training.GetProperty("instanceId").GetString());
        Assert.Equal("fasttree", training.GetProperty("trainer").GetString());
        Assert.Equal(1, training.GetProperty("specVersion").GetInt32());
        Assert.Matches("^[0-9a-f]{64}$", training.GetProperty("specSha256").GetString());
        Assert.False(string.IsNullOrEmpty(training.GetProperty("codeVersion").GetString()));
        var dataset = lineage.GetProperty("dataset");
        Assert.Equal(training.GetProperty("datasetId").GetString(), dataset.GetProperty("id").GetString());
        Assert.Equal(DemoSetup.Rows, dataset.GetProperty("rows").GetInt32());
        Assert.NotEmpty(dataset.GetProperty("baseline").EnumerateArray());
        var review = lineage.GetProperty("review");
        Assert.True(review.GetProperty("candidate").GetProperty("metrics").GetProperty("auc").GetDouble() > 0.85);
        Assert.True(review.GetProperty("gates").GetProperty("passed").GetBoolean());
        Assert.True(review.GetProperty("candidate").GetProperty("fairness").TryGetProperty("gender", out _));
        var promotion = Assert.Single(lineage.GetProperty("aliasHistory").EnumerateArray());
        Assert.Equal("promotion", promotion.GetProperty("kind").GetString());

        // The promoted model serves predictions that name it.
        var (predicted, prediction) = await Client.PostJsonAsync($"/models/{model}/predict", DemoSetup.ExamplePredictBody);
        Assert.Equal(HttpStatusCode.OK, predicted);
        Assert.Equal(version.ToString(System.Globalization.CultureInfo.InvariantCulture), prediction.GetProperty("model_version").GetString());
    }

    [Fact]
    public async Task StartRetraining_WhileOneRuns_Answers409NamingIt()
    {
        string model = await PrepareAsync("busy", spec => spec["approval"] = new JsonObject { ["mode"] = "manual", ["timeout"] = "00:10:00" });
        string first = await Client.StartRetrainingAsync(model, caller: Alice);

        var (status, body) = await Client.SendJsonAsync(HttpMethod.Post, $"/models/{model}/retrain", caller: Alice);

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal(first, body.GetProperty("instanceId").GetString());
        Assert.Contains(first, body.GetProperty("error").GetString());
        await TerminateAsync(model, first);
    }

    [Fact]
    public async Task Approve_ByTheStarter_Answers403ThenAnotherReviewerPromotes()
    {
        string model = await PrepareAsync("approve", spec => spec["approval"] = new JsonObject { ["mode"] = "manual", ["timeout"] = "00:10:00" });
        string id = await Client.StartRetrainingAsync(model, caller: Alice);
        await WaitForApprovalStepAsync(model, id);

        // What the approver reads before deciding: metrics, gates, fairness per protected group and global importance.
        using var reviewer = fixture.Runtime.CreateClient(TestTokens.For(Bob, [PlatformRoles.Approver], name: "Bob"));
        var (listed, list) = await reviewer.SendJsonAsync(HttpMethod.Get, $"/models/{model}/retrainings");
        var (read, waiting) = await reviewer.SendJsonAsync(HttpMethod.Get, $"/models/{model}/retrainings/{id}");
        Assert.Equal(HttpStatusCode.OK, listed);
        Assert.Equal("approval", Assert.Single(list.GetProperty("retrainings").EnumerateArray()).GetProperty("currentStep").GetString());
        Assert.Equal(HttpStatusCode.OK, read);
        var review = waiting.GetProperty("review");
        Assert.Equal(id, review.GetProperty("instanceId").GetString());
        Assert.True(review.GetProperty("candidate").GetProperty("metrics").GetProperty("auc").GetDouble() > 0.85);
        Assert.True(review.GetProperty("gates").GetProperty("passed").GetBoolean());
        var genders = review.GetProperty("candidate").GetProperty("groups").GetProperty("gender").EnumerateObject().ToList();
        Assert.Equal(["female", "male"], genders.Select(g => g.Name).Order(StringComparer.Ordinal));
        Assert.All(genders, g => Assert.InRange(g.Value.GetProperty("positiveRate").GetDouble(), 0, 1));
        Assert.InRange(review.GetProperty("candidate").GetProperty("fairness").GetProperty("gender").GetProperty("disparateImpact").GetDouble(), 0, 1);
        var importance = review.GetProperty("importance");
        Assert.Equal("tree-shap", importance.GetProperty("method").GetString());
        Assert.Equal("log-odds", importance.GetProperty("space").GetString());
        var features = importance.GetProperty("features").EnumerateArray()
            .Select(f => (Name: f.GetProperty("feature").GetString()!, Value: f.GetProperty("importance").GetDouble())).ToList();
        Assert.Equal(
            ["debt_ratio", "employment", "income", "late_payments", "years_employed"],
            features.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.All(features, f => Assert.True(double.IsFinite(f.Value) && f.Value >= 0, $"{f.Name}: {f.Value}"));
        Assert.Equal(features.Select(f => f.Value).OrderDescending(), features.Select(f => f.Value));
        Assert.True(features[0].Value > 0, "the most important input moves the output");

        var (self, selfBody) = await Client.SendJsonAsync(HttpMethod.Post, $"/models/{model}/retrainings/{id}/approve", """{"reason": "mine"}""", Alice);
        using var noToken = fixture.Runtime.CreateClient(token: null);
        var (anonymous, _) = await noToken.SendJsonAsync(HttpMethod.Post, $"/models/{model}/retrainings/{id}/approve", """{"reason": "who?"}""");
        var (approved, _) = await Client.SendJsonAsync(HttpMethod.Post, $"/models/{model}/retrainings/{id}/approve", """{"reason": "metrics and fairness fine"}""", Bob);
        var status = await Client.WaitForOutcomeAsync(model, id);

        Assert.Equal(HttpStatusCode.Forbidden, self);
        Assert.Contains("cannot approve", selfBody.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        Assert.Equal(HttpStatusCode.Accepted, approved);
        Assert.Equal("promoted", status.GetProperty("outcome").GetString());
        var approval = Steps(status).Single(s => s.Name == "approval");
        Assert.Equal("approved", approval.Outcome);
        var lineage = await GetAsync($"/models/{model}/versions/{status.GetProperty("candidateVersion").GetInt32()}/lineage");
        var decision = lineage.GetProperty("review").GetProperty("approval");
        Assert.Equal(Bob, decision.GetProperty("by").GetString());
        Assert.Equal("metrics and fairness fine", decision.GetProperty("reason").GetString());
        Assert.Equal(Bob, lineage.GetProperty("aliasHistory")[0].GetProperty("changedBy").GetString());
        Assert.Equal(features.Count, lineage.GetProperty("review").GetProperty("importance").GetProperty("features").GetArrayLength());
        Assert.Equal($"/models/{model}/versions/{status.GetProperty("candidateVersion").GetInt32()}/importance", lineage.GetProperty("importanceUrl").GetString());
    }

    [Fact]
    public async Task Approve_ByWhoeverRegisteredTheExternalCandidate_Answers403()
    {
        const string Carol = "carol@example.com";
        string model = await PrepareAsync("registrant", spec =>
        {
            spec["trainer"] = new JsonObject { ["name"] = "external" };
            spec["approval"] = new JsonObject { ["mode"] = "manual", ["timeout"] = "00:10:00" };
        });
        using (var carol = fixture.Runtime.CreateClient(TestTokens.For(Carol, PlatformRoles.All)))
        {
            await carol.RegisterAsync(model, DemoClassifier.Train().Onnx, production: false);
        }

        string id = await Client.StartRetrainingAsync(model, caller: Alice);
        await WaitForApprovalStepAsync(model, id);

        var (registrant, body) = await Client.SendJsonAsync(HttpMethod.Post, $"/models/{model}/retrainings/{id}/approve", """{"reason": "my model is fine"}""", Carol);
        var (approved, _) = await Client.SendJsonAsync(HttpMethod.Post, $"/models/{model}/retrainings/{id}/approve", """{"reason": "checked"}""", Bob);

        Assert.Equal(HttpStatusCode.Forbidden, registrant);
        Assert.Contains("registered candidate version 1", body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Accepted, approved);
        Assert.Equal("promoted", (await Client.WaitForOutcomeAsync(model, id)).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Reject_AfterAnotherReviewerApproved_Answers409NamingTheFirstDecision()
    {
        string model = await PrepareAsync("twice", spec => spec["approval"] = new JsonObject { ["mode"] = "manual", ["timeout"] = "00:10:00" });
        string id = await Client.StartRetrainingAsync(model, caller: Alice);
        await WaitForApprovalStepAsync(model, id);

        var (approved, _) = await Client.SendJsonAsync(HttpMethod.Post, $"/models/{model}/retrainings/{id}/approve", """{"reason": "fine"}""", Bob);
        var (late, lateBody) = await Client.SendJsonAsync(HttpMethod.Post, $"/models/{model}/retrainings/{id}/reject", """{"reason": "wait"}""", "carol@example.com");

        Assert.Equal(HttpStatusCode.Accepted, approved);
        Assert.Equal(HttpStatusCode.Conflict, late);
        Assert.Contains(Bob, lateBody.GetProperty("error").GetString());
        Assert.Equal("promoted", (await Client.WaitForOutcomeAsync(model, id)).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task StartRetraining_WithoutAToken_Answers401()
    {
        string model = await PrepareAsync("anon", spec => spec["approval"] = new JsonObject { ["mode"] = "manual", ["timeout"] = "00:10:00" });
        using var noToken = fixture.Runtime.CreateClient(token: null);

        var (status, body) = await noToken.SendJsonAsync(HttpMethod.Post, $"/models/{model}/retrain");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("bearer token", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Approve_ByTheStarterWithOnlyTheApproverRole_Answers403SayingWhy()
    {
        string model = await PrepareAsync("sod", spec => spec["approval"] = new JsonObject { ["mode"] = "manual", ["timeout"] = "00:10:00" });
        string id = await Client.StartRetrainingAsync(model, caller: "dana@example.com");
        await WaitForApprovalStepAsync(model, id);
        using var approver = fixture.Runtime.CreateClient(TestTokens.For("dana@example.com", [PlatformRoles.Approver], name: "Dana"));

        var (status, body) = await approver.SendJsonAsync(HttpMethod.Post, $"/models/{model}/retrainings/{id}/approve", """{"reason": "mine"}""");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("started retraining", body.GetProperty("error").GetString());
        await TerminateAsync(model, id);
    }

    [Theory]
    [InlineData("training-data/../models/sha256/x.onnx")]
    [InlineData("training-data/a//b.csv")]
    [InlineData("models/x.csv")]
    public async Task StartRetraining_DataOutsideTheAllowedContainers_Answers400(string data)
    {
        string model = await PrepareAsync("escape");

        var spec = JsonNode.Parse(DemoSpec.Json)!.AsObject();
        spec["data"]!["dataset"] = null;
        spec["data"]!["source"] = data;

        var (status, body) = await Client.SendJsonAsync(HttpMethod.Post, $"/models/{model}/retrain", JsonSerializer.Serialize(new { data }));
        var (specStatus, _) = await Client.SendJsonAsync(HttpMethod.Put, $"/specs/{model}", spec.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, specStatus);
    }

    [Fact]
    public async Task GetDataset_Unknown_Answers404()
    {
        var (status, body) = await Client.SendJsonAsync(HttpMethod.Get, $"/datasets/{Unique("nodata")}");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Reject_ByReviewer_CandidateStaysRegisteredRejectedAndNothingPromoted()
    {
        string model = await PrepareAsync("reject", spec => spec["approval"] = new JsonObject { ["mode"] = "manual", ["timeout"] = "00:10:00" });
        string id = await Client.StartRetrainingAsync(model, caller: Alice);
        await WaitForApprovalStepAsync(model, id);

        var (rejected, _) = await Client.SendJsonAsync(HttpMethod.Post, $"/models/{model}/retrainings/{id}/reject", """{"reason": "not this quarter"}""", Bob);
        var status = await Client.WaitForOutcomeAsync(model, id);

        Assert.Equal(HttpStatusCode.Accepted, rejected);
        Assert.Equal("rejected", status.GetProperty("outcome").GetString());
        int version = status.GetProperty("candidateVersion").GetInt32();
        var info = await GetAsync($"/models/{model}");
        Assert.False(info.GetProperty("aliases").TryGetProperty("production", out _));
        var lineage = await GetAsync($"/models/{model}/versions/{version}/lineage");
        Assert.Equal("rejected", lineage.GetProperty("status").GetString());
        Assert.Contains("not this quarter", lineage.GetProperty("review").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task StartRetraining_ManualApprovalTimesOut_Rejected()
    {
        string model = await PrepareAsync("timeout", spec => spec["approval"] = new JsonObject { ["mode"] = "manual", ["timeout"] = "00:00:02" });

        string id = await Client.StartRetrainingAsync(model, caller: Alice);
        var status = await Client.WaitForOutcomeAsync(model, id);

        Assert.Equal("rejected", status.GetProperty("outcome").GetString());
        Assert.Contains("timeout", status.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task StartRetraining_CandidateFailsAGate_RejectedWithReasonsKeptNotPromoted()
    {
        string model = await PrepareAsync("gate", spec => spec["gates"] = new JsonObject { ["minimum"] = new JsonObject { ["auc"] = 0.9999 } });

        string id = await Client.StartRetrainingAsync(model);
        var status = await Client.WaitForOutcomeAsync(model, id);

        Assert.Equal("rejected", status.GetProperty("outcome").GetString());
        Assert.Equal("rejected", Steps(status).Single(s => s.Name == "gates").Outcome);
        Assert.DoesNotContain(Steps(status), s => s.Name == "promote");
        int version = status.GetProperty("candidateVersion").GetInt32();
        var lineage = await GetAsync($"/models/{model}/versions/{version}/lineage");
        Assert.Equal("rejected", lineage.GetProperty("status").GetString());
        Assert.Contains(lineage.GetProperty("review").GetProperty("gates").GetProperty("results").EnumerateArray(),
            r => !r.GetProperty("passed").GetBoolean() && r.GetProperty("gate").GetString()!.Contains("auc", StringComparison.Ordinal));
        Assert.Contains(lineage.GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == "rejected");
    }

    [Fact]
    public async Task StartRetraining_DataLacksASpecColumn_FailsWithTheReasonAndPromotesNothing()
    {
        string model = await PrepareAsync("nocolumn", spec =>
            spec["data"]!["features"]!.AsArray().Add(new JsonObject { ["name"] = "credit_score", ["type"] = "numeric" }));

        string id = await Client.StartRetrainingAsync(model);
        var status = await Client.WaitForOutcomeAsync(model, id);

        Assert.Equal("failed", status.GetProperty("outcome").GetString());
        Assert.Contains("credit_score", status.GetProperty("reason").GetString());
        Assert.Equal("failed", Steps(status).Single(s => s.Name == "snapshot").Outcome);
        var (missing, _) = await Client.SendJsonAsync(HttpMethod.Get, $"/models/{model}");
        Assert.Equal(HttpStatusCode.NotFound, missing);

        // The model is free again: the next retraining starts.
        await Client.StartRetrainingAsync(model);
    }

    [Fact]
    public async Task PutSpec_ManyMistakes_Answers400ListingEveryField()
    {
        const string spec = """
            {"task": "ranking", "data": {"dataset": "x", "features": [{"name": "a", "type": "text"}], "label": {"name": "a"}},
             "trainer": {"name": "xgboost"}, "approval": {"mode": "sometimes"}, "schedule": "every day"}
            """;

        var (status, body) = await Client.SendJsonAsync(HttpMethod.Put, $"/specs/{Unique("badspec")}", spec);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var fields = body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.Contains("task", fields);
        Assert.Contains("data.features[0].type", fields);
        Assert.Contains("trainer.name", fields);
        Assert.Contains("approval.mode", fields);
        Assert.Contains("schedule", fields);
    }

    [Fact]
    public async Task PutSpec_MisspeltField_Answers400NamingIt()
    {
        var (status, body) = await Client.SendJsonAsync(HttpMethod.Put, $"/specs/{Unique("typo")}", """{"task": "binary", "trainr": {"name": "fasttree"}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("trainr", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task StartRetraining_NoSpec_Answers404SayingHowToWriteOne()
    {
        var (status, body) = await Client.SendJsonAsync(HttpMethod.Post, $"/models/{Unique("nospec")}/retrain");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("PUT /specs/", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Rollback_AfterTwoPromotions_ProductionReturnsToTheFirstAndOnlyThisModelMoves()
    {
        string model = await PrepareAsync("rollback", spec => spec["gates"] = new JsonObject { ["maxRegression"] = new JsonObject { ["auc"] = 1 } });
        string other = await PrepareAsync("bystander");
        var first = await Client.WaitForOutcomeAsync(model, await Client.StartRetrainingAsync(model));
        var second = await Client.WaitForOutcomeAsync(model, await Client.StartRetrainingAsync(model, """{"reason": "again"}"""));
        await Client.WaitForOutcomeAsync(other, await Client.StartRetrainingAsync(other));
        int otherProduction = (await GetAsync($"/models/{other}")).GetProperty("aliases").GetProperty("production").GetInt32();

        var (noReason, _) = await Client.SendJsonAsync(HttpMethod.Post, $"/models/{model}/rollback", "{}", Bob);
        var (status, body) = await Client.SendJsonAsync(HttpMethod.Post, $"/models/{model}/rollback", """{"reason": "complaints"}""", Bob);
        var (again, againBody) = await Client.SendJsonAsync(HttpMethod.Post, $"/models/{model}/rollback", """{"reason": "further"}""", Bob);

        Assert.Equal("promoted", second.GetProperty("outcome").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, noReason);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(second.GetProperty("candidateVersion").GetInt32(), body.GetProperty("fromVersion").GetInt32());
        Assert.Equal(first.GetProperty("candidateVersion").GetInt32(), body.GetProperty("toVersion").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Contains("no earlier version", againBody.GetProperty("error").GetString());
        Assert.Equal(otherProduction, (await GetAsync($"/models/{other}")).GetProperty("aliases").GetProperty("production").GetInt32());
        var lineage = await GetAsync($"/models/{model}/versions/{second.GetProperty("candidateVersion").GetInt32()}/lineage");
        Assert.Equal("rolled-back", lineage.GetProperty("status").GetString());
        var rollback = lineage.GetProperty("aliasHistory").EnumerateArray().Last();
        Assert.Equal("rollback", rollback.GetProperty("kind").GetString());
        Assert.Equal("complaints", rollback.GetProperty("reason").GetString());
        Assert.Equal(Bob, rollback.GetProperty("changedBy").GetString());
    }

    [Fact]
    public async Task Terminate_WaitingRetraining_EndsTerminatedAndFreesTheModel()
    {
        string model = await PrepareAsync("terminate", spec => spec["approval"] = new JsonObject { ["mode"] = "manual", ["timeout"] = "00:10:00" });
        string id = await Client.StartRetrainingAsync(model, caller: Alice);
        await WaitForApprovalStepAsync(model, id);

        await TerminateAsync(model, id);
        var status = await Client.WaitForOutcomeAsync(model, id);
        var (list, listBody) = await Client.SendJsonAsync(HttpMethod.Get, $"/models/{model}/retrainings");

        Assert.Equal("terminated", status.GetProperty("outcome").GetString());
        Assert.Equal(HttpStatusCode.OK, list);
        Assert.Equal(id, listBody.GetProperty("retrainings")[0].GetProperty("instanceId").GetString());
        Assert.NotEqual(id, await Client.StartRetrainingAsync(model, caller: Alice));
    }

    [Fact]
    public async Task RetrainOnNewData_QueueMessage_StartsARetrainingOfThatModel()
    {
        string model = await PrepareAsync("queued");
        var queue = new Azure.Storage.Queues.QueueClient(fixture.ConnectionString, QueueName(), new Azure.Storage.Queues.QueueClientOptions { MessageEncoding = Azure.Storage.Queues.QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();

        await queue.SendMessageAsync(JsonSerializer.Serialize(new { model, reason = "new data arrived" }));
        var run = await Eventually.GetAsync<JsonElement?>(async () =>
        {
            var list = await GetAsync($"/models/{model}/retrainings");
            return list.GetProperty("retrainings").GetArrayLength() > 0 ? list.GetProperty("retrainings")[0] : null;
        }, TimeSpan.FromSeconds(30), "the queued retraining to start");

        Assert.Equal("queue", run!.Value.GetProperty("trigger").GetString());
        var status = await Client.WaitForOutcomeAsync(model, run.Value.GetProperty("instanceId").GetString()!);
        Assert.Equal("promoted", status.GetProperty("outcome").GetString());
    }

    private string QueueName() =>
        JsonDocument.Parse(File.ReadAllText(fixture.Runtime.Settings.Path)).RootElement.GetProperty("Values").GetProperty("Retraining__Queue").GetString()!;

    private async Task<string> PrepareAsync(string prefix, Action<JsonObject>? change = null)
    {
        string model = Unique(prefix);
        string dataset = model + "-data";
        await Client.UploadDatasetAsync(dataset, DemoData.ToCsv(DemoData.Generate(DemoSetup.Rows)));
        var spec = JsonNode.Parse(DemoSpec.Json)!.AsObject();
        spec["data"]!["dataset"] = dataset;
        change?.Invoke(spec);
        await Client.PutSpecAsync(model, spec.ToJsonString());
        return model;
    }

    private async Task WaitForApprovalStepAsync(string model, string id) =>
        await Client.WaitForRetrainingAsync(model, id, s => s.GetProperty("currentStep").GetString() == "approval", "the approval step");

    private async Task TerminateAsync(string model, string id)
    {
        var (status, body) = await Client.SendJsonAsync(HttpMethod.Post, $"/models/{model}/retrainings/{id}/terminate", """{"reason": "test over"}""", Bob);
        Assert.True(status == HttpStatusCode.Accepted, $"terminate answered {(int)status}: {body}");
    }

    private async Task<JsonElement> GetAsync(string path)
    {
        var (status, body) = await Client.SendJsonAsync(HttpMethod.Get, path);
        Assert.True(status == HttpStatusCode.OK, $"GET {path} answered {(int)status}: {body}");
        return body;
    }

    private static List<(string Name, string? Outcome)> Steps(JsonElement status) =>
        [.. status.GetProperty("steps").EnumerateArray().Select(s => (s.GetProperty("name").GetString()!, s.GetProperty("outcome").GetString()))];

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];
}

