using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
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

        var entries = (await GetAsync($"/audit?model={name}")).GetProperty("entries").EnumerateArray().ToList();

        Assert.Equal(
            [
                (1L, "model.register", "succeeded", 201, (int?)1, null, null, null),
                (2L, "alias.set", "succeeded", 200, null, null, "1", null),
                (3L, "model.register", "succeeded", 201, 2, null, null, null),
                (4L, "alias.set", "succeeded", 200, null, "1", "2", null),
                (5L, "alias.set", "refused", 404, null, null, null, null),
                (6L, "alias.rollback", "succeeded", 200, null, "2", "1", "v2 scores worse"),
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
        Assert.All(entries, e => Assert.Equal("anonymous", e.GetProperty("entry").GetProperty("actor").GetProperty("subject").GetString()));
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
