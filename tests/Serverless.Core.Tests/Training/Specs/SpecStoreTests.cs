using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Serverless.Core.Registry;
using Serverless.Core.Training;
using Serverless.Core.Training.Specs;
using Serverless.Testing;

namespace Serverless.Core.Tests.Training.Specs;

public sealed class SpecStoreTests
{
    private static async Task<SpecStore> CreateAsync(string? table = null)
    {
        string connection = await TestStorage.GetConnectionStringAsync();
        var options = new TrainingOptions { SpecTable = table ?? "specs" + Guid.NewGuid().ToString("N")[..12] };
        return new SpecStore(new TableServiceClient(connection), TimeProvider.System, Options.Create(options));
    }

    private static string NewModel() => "m-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task PutAsync_NewSpecs_NumbersVersionsFromOneAndGetReturnsThem()
    {
        var store = await CreateAsync();
        string model = NewModel();
        var first = TestSpecs.Adult();
        var second = first with { Description = "more trees" };

        var v1 = await store.PutAsync(model, first, "alice", CancellationToken.None);
        var v2 = await store.PutAsync(model, second, "bob", CancellationToken.None);

        Assert.Equal((1, true, "alice"), (v1.Version, v1.Created, v1.CreatedBy));
        Assert.Equal((2, true, "bob"), (v2.Version, v2.Created, v2.CreatedBy));
        Assert.NotEqual(v1.Sha256, v2.Sha256);
        var latest = await store.GetAsync(model, null, CancellationToken.None);
        Assert.Equal(2, latest.Version);
        Assert.Equal("more trees", latest.Spec.Description);
        var read = await store.GetAsync(model, 1, CancellationToken.None);
        Assert.Equal(v1.Sha256, read.Sha256);
        Assert.Equal(JsonSerializer.Serialize(first), JsonSerializer.Serialize(read.Spec));
    }

    [Fact]
    public async Task PutAsync_SameSpecAgain_ReturnsTheStoredVersionUnchanged()
    {
        var store = await CreateAsync();
        string model = NewModel();
        var stored = await store.PutAsync(model, TestSpecs.Adult(), "alice", CancellationToken.None);

        // The same spec written with its members in another order has the same canonical JSON.
        string json = JsonSerializer.Serialize(TestSpecs.Adult()).Replace("\"task\":\"binary\",", string.Empty, StringComparison.Ordinal);
        var reordered = TestSpecs.Parse(json[..^1] + ",\"task\":\"binary\"}");
        var again = await store.PutAsync(model, reordered, "bob", CancellationToken.None);

        Assert.False(again.Created);
        Assert.Equal((1, stored.Sha256, "alice"), (again.Version, again.Sha256, again.CreatedBy));
        Assert.Equal(1, (await store.GetAsync(model, null, CancellationToken.None)).Version);
    }

    [Fact]
    public async Task PutAsync_ConcurrentWriters_GetGapFreeVersions()
    {
        var store = await CreateAsync();
        string model = NewModel();

        var stored = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            store.PutAsync(model, TestSpecs.Adult() with { Description = $"writer {i}" }, "tests", CancellationToken.None)));

        Assert.Equal(Enumerable.Range(1, 8), stored.Select(s => s.Version).Order());
        Assert.Equal(8, (await store.GetAsync(model, null, CancellationToken.None)).Version);
    }

    [Fact]
    public async Task PutAsync_InvalidSpec_ThrowsWithEveryErrorAndStoresNothing()
    {
        var store = await CreateAsync();
        string model = NewModel();
        var spec = TestSpecs.Adult("elsewhere/adult.csv") with { Task = "ranking" };

        var ex = await Assert.ThrowsAsync<InvalidSpecException>(() => store.PutAsync(model, spec, "alice", CancellationToken.None));

        Assert.Equal(["task", "data.source"], ex.Errors.Select(e => e.Field));
        Assert.Contains("(Training__DataContainers), not 'elsewhere'", ex.Errors[1].Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<SpecNotFoundException>(() => store.GetAsync(model, null, CancellationToken.None));
    }

    [Fact]
    public async Task PutAsync_InvalidModelName_Throws()
    {
        var store = await CreateAsync();

        await Assert.ThrowsAsync<InvalidRegistryArgumentException>(() => store.PutAsync("../x", TestSpecs.Adult(), "alice", CancellationToken.None));
    }

    [Fact]
    public async Task GetAsync_NoSpecOrVersion_SaysHowToCreateOne()
    {
        var store = await CreateAsync();
        string model = NewModel();

        var none = await Assert.ThrowsAsync<SpecNotFoundException>(() => store.GetAsync(model, null, CancellationToken.None));
        await store.PutAsync(model, TestSpecs.Adult(), "alice", CancellationToken.None);
        var noVersion = await Assert.ThrowsAsync<SpecNotFoundException>(() => store.GetAsync(model, 2, CancellationToken.None));

        Assert.Equal($"Model '{model}' has no spec. Create one with PUT /specs/{model}.", none.Message);
        Assert.Contains("no spec version 2", noVersion.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_SeveralModels_ReturnsTheLatestOfEach()
    {
        var store = await CreateAsync();
        await store.PutAsync("a", TestSpecs.Adult(), "alice", CancellationToken.None);
        await store.PutAsync("a", TestSpecs.Adult() with { Description = "v2" }, "alice", CancellationToken.None);
        await store.PutAsync("b", TestSpecs.Small(), "bob", CancellationToken.None);

        var specs = await store.ListAsync(CancellationToken.None);

        Assert.Equal([("a", 2), ("b", 1)], specs.Select(s => (s.Model, s.Version)));
    }
}
