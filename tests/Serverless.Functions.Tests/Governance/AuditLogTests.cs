using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using Serverless.Core.Governance;
using Serverless.Demo;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Governance;

/// <summary>Governed calls through the local runtime land in its audit table, in order and chained; an edit by hand is found.</summary>
public sealed class AuditLogTests(LocalRuntimeFixture fixture) : IClassFixture<LocalRuntimeFixture>
{
    private HttpClient Client => fixture.Runtime.Client;

    [Fact]
    public async Task Audit_GovernedCalls_AreListedInOrderVerifiedAndAnEditedRowIsReported()
    {
        string name = await Client.RegisterNewAsync("audited", OnnxModelBuilder.Add(1));
        int second = await Client.RegisterAsync(name, OnnxModelBuilder.Add(2));
        using (var refused = await Client.PutAsJsonAsync(new Uri($"/models/{name}/aliases/production", UriKind.Relative), new { version = 99 }))
        {
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }

        using (var rollback = await Client.PostAsJsonAsync(new Uri($"/models/{name}/rollback", UriKind.Relative), new { reason = "v2 scores worse" }))
        {
            rollback.EnsureSuccessStatusCode();
        }

        // A caller without the operator role is refused, and recorded as refused under its own subject.
        using (var consumer = fixture.Runtime.CreateClient(TestTokens.For("carol", [PlatformRoles.Consumer])))
        using (var refused = await consumer.PutAsJsonAsync(new Uri($"/models/{name}/aliases/production", UriKind.Relative), new { version = 2 }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        var entries = (await GetAsync($"/audit?model={name}")).GetProperty("entries").EnumerateArray().ToList();

        Assert.Equal(
            [
                (1L, "model.register", "succeeded", 201, (int?)1, null, null, null),
                (2L, "alias.set", "succeeded", 200, null, null, "1", null),
                (3L, "model.register", "succeeded", 201, 2, null, null, null),
                (4L, "alias.set", "succeeded", 200, null, "1", "2", null),
                (5L, "alias.set", "refused", 404, null, null, null, null),
                (6L, "alias.rollback", "succeeded", 200, null, "2", "1", "v2 scores worse"),
                (7L, "alias.set", "refused", 403, null, null, null, null),
            ],
            entries.Select(e => (
                e.GetProperty("sequence").GetInt64(),
                Text(e, "action"),
                Text(e, "outcome"),
                e.GetProperty("entry").GetProperty("status").GetInt32(),
                e.GetProperty("entry").GetProperty("version") is { ValueKind: JsonValueKind.Number } version ? version.GetInt32() : (int?)null,
                Text(e, "before"),
                Text(e, "after"),
                Text(e, "reason"))));
        Assert.Equal(2, second);
        Assert.Equal(
            [.. Enumerable.Repeat(TestTokens.AdminSubject, 6), "carol"],
            entries.Select(e => e.GetProperty("entry").GetProperty("actor").GetProperty("subject").GetString()));
        Assert.All(entries, e => Assert.False(string.IsNullOrEmpty(Text(e, "requestId"))));
        Assert.True((await GetAsync($"/audit/verify?model={name}")).GetProperty("verified").GetBoolean());

        // Someone with access to the table rewrites the rollback's reason.
        string table = JsonDocument.Parse(await File.ReadAllTextAsync(fixture.Runtime.Settings.Path)).RootElement.GetProperty("Values").GetProperty("Audit__Table").GetString()!;
        var tables = new TableClient(fixture.ConnectionString, table);
        var row = (await tables.GetEntityAsync<TableEntity>(name, "000000000006")).Value;
        row["Reason"] = "routine";
        await tables.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Replace);

        var verification = await GetAsync($"/audit/verify?model={name}");
        Assert.False(verification.GetProperty("verified").GetBoolean());
        var broken = verification.GetProperty("firstBreak");
        Assert.Equal((name, 6L), (broken.GetProperty("chain").GetString(), broken.GetProperty("sequence").GetInt64()));
        Assert.Equal(5L, verification.GetProperty("entries").GetInt64());
    }

    [Fact]
    public async Task Audit_RetrainingThroughTheLine_RecordsUploadSpecStartAndThePlatformsPromotion()
    {
        string model = $"audited-line-{Guid.NewGuid():N}"[..25];
        string dataset = model + "-data";
        await Client.UploadDatasetAsync(dataset, DemoData.ToCsv(DemoData.Generate(DemoSetup.Rows)));
        var spec = JsonNode.Parse(DemoSpec.Json)!.AsObject();
        spec["data"]!["dataset"] = dataset;
        await Client.PutSpecAsync(model, spec.ToJsonString());

        string id = await Client.StartRetrainingAsync(model, """{"reason": "first model"}""");
        var status = await Client.WaitForOutcomeAsync(model, id);
        Assert.Equal("promoted", status.GetProperty("outcome").GetString());
        int version = status.GetProperty("candidateVersion").GetInt32();

        var upload = Assert.Single((await GetAsync($"/audit?model={dataset}")).GetProperty("entries").EnumerateArray());
        Assert.Equal(("dataset.upload", "succeeded"), (Text(upload, "action"), Text(upload, "outcome")));
        var entries = (await GetAsync($"/audit?model={model}")).GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(["spec.put", "retraining.start", "retraining.promote"], entries.Select(e => Text(e, "action")));
        Assert.StartsWith("spec version 1 (sha256 ", Text(entries[0], "after"), StringComparison.Ordinal);
        Assert.Equal((id, "first model", 202), (Text(entries[1], "run"), Text(entries[1], "reason"), entries[1].GetProperty("entry").GetProperty("status").GetInt32()));
        var promotion = entries[2].GetProperty("entry");
        Assert.Equal("platform:retraining", promotion.GetProperty("actor").GetProperty("subject").GetString());
        Assert.Equal((version, "production", id, (string?)null, version.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (promotion.GetProperty("version").GetInt32(), Text(entries[2], "alias"), Text(entries[2], "run"), Text(entries[2], "before"), Text(entries[2], "after")));
        Assert.True((await GetAsync($"/audit/verify?model={model}")).GetProperty("verified").GetBoolean());
    }

    [Theory]
    [InlineData("/audit?top=0", "'top'")]
    [InlineData("/audit?from=yesterday", "'from'")]
    public async Task Audit_BadQuery_Answers400SayingWhatToChange(string path, string named)
    {
        using var response = await Client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    private static string? Text(JsonElement record, string property) =>
        record.GetProperty("entry").TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private async Task<JsonElement> GetAsync(string path)
    {
        using var response = await Client.GetAsync(new Uri(path, UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
