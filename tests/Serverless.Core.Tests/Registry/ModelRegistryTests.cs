using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime.Tensors;
using Serverless.Core.Registry;
using Serverless.Testing;

namespace Serverless.Core.Tests.Registry;

public sealed class ModelRegistryTests
{
    private static readonly RegistrationMetadata Author = new("tests", "identity model", "dataset://none", new Dictionary<string, double> { ["auc"] = 0.5 });

    private static async Task<ModelRegistry> CreateAsync()
    {
        string connection = await TestStorage.GetConnectionStringAsync();
        return new ModelRegistry(new BlobServiceClient(connection), new TableServiceClient(connection), TimeProvider.System, Options.Create(new ModelRegistryOptions()));
    }

    private static string NewName() => "m-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task RegisterAsync_ValidModel_StoresVersionOneWithHashSignatureAndLineage()
    {
        var registry = await CreateAsync();
        byte[] model = OnnxModelBuilder.Add(2, 3);
        string name = NewName();

        var registered = await registry.RegisterAsync(name, model, Author, CancellationToken.None);

        Assert.Equal(1, registered.Version);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(model)), registered.Sha256);
        Assert.Equal(["a", "b"], registered.Signature.Inputs.Select(i => i.Name));
        Assert.Equal("FP32", registered.Signature.Outputs.Single().Datatype);
        Assert.Equal([2L, 3L], registered.Signature.Outputs.Single().Shape);
        var read = await registry.GetVersionAsync(name, 1, CancellationToken.None);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(registered), System.Text.Json.JsonSerializer.Serialize(read));
        Assert.Equal(0.5, read.Metadata.Metrics!["auc"]);
        Assert.Equal("dataset://none", read.Metadata.TrainingData);
        Assert.Equal(model, await registry.DownloadAsync(read, CancellationToken.None));
    }

    [Fact]
    public async Task RegisterAsync_DynamicDimensionAndInt64_SignatureSaysSo()
    {
        var registry = await CreateAsync();

        var registered = await registry.RegisterAsync(NewName(), OnnxModelBuilder.Identity(TensorElementType.Int64, -1, 4), Author, CancellationToken.None);

        Assert.Equal("INT64", registered.Signature.Inputs.Single().Datatype);
        Assert.Equal([-1L, 4L], registered.Signature.Inputs.Single().Shape);
    }

    [Theory]
    [InlineData(new byte[0], "empty")]
    [InlineData(new byte[] { 1, 2, 3, 4, 5 }, "not an ONNX model")]
    public async Task RegisterAsync_NotAnOnnxModel_ThrowsAndWritesNothing(byte[] bytes, string expected)
    {
        var registry = await CreateAsync();
        string name = NewName();

        var ex = await Assert.ThrowsAsync<InvalidModelException>(() => registry.RegisterAsync(name, bytes, Author, CancellationToken.None));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ModelNotFoundException>(() => registry.GetModelAsync(name, CancellationToken.None));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has/slash")]
    [InlineData("-leading")]
    [InlineData("white space")]
    public void ValidateName_InvalidName_ThrowsSayingWhatIsAllowed(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => ModelRegistry.ValidateName(name));

        Assert.Contains("letters, digits", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegisterAsync_ConcurrentUploadsFromIndependentClients_NumbersOneToNWithoutGapsOrDuplicates()
    {
        string name = NewName();
        const int uploads = 12;
        // Separate registry instances stand for separate processes: only storage coordinates them.
        var registries = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => CreateAsync()));

        var results = await Task.WhenAll(Enumerable.Range(0, uploads).Select(i =>
            registries[i % registries.Length].RegisterAsync(name, OnnxModelBuilder.Add(1, i + 1), Author, CancellationToken.None)));

        Assert.Equal(Enumerable.Range(1, uploads), results.Select(r => r.Version).Order());
        var model = await registries[0].GetModelAsync(name, CancellationToken.None);
        Assert.Equal(uploads, model.LatestVersion);
        Assert.Equal(Enumerable.Range(1, uploads), model.Versions.Select(v => v.Version));
        // Each version holds the artifact its upload sent.
        foreach (var result in results)
        {
            Assert.Equal(result.Sha256, model.Versions.Single(v => v.Version == result.Version).Sha256);
        }
    }

    [Fact]
    public async Task SetAliasAsync_MovedTwice_PointsAtLatestAndHistoryRecordsBothMoves()
    {
        var registry = await CreateAsync();
        string name = NewName();
        await registry.RegisterAsync(name, OnnxModelBuilder.Add(1, 1), Author, CancellationToken.None);
        await registry.RegisterAsync(name, OnnxModelBuilder.Add(1, 2), Author, CancellationToken.None);

        await registry.SetAliasAsync(name, "production", 1, "alice", CancellationToken.None);
        var second = await registry.SetAliasAsync(name, "production", 2, "bob", CancellationToken.None);

        Assert.Equal(1, second.PreviousVersion);
        Assert.Equal(2, (await registry.GetByAliasAsync(name, "production", CancellationToken.None)).Version);
        var model = await registry.GetModelAsync(name, CancellationToken.None);
        Assert.Equal(2, model.Aliases["production"]);
        Assert.Equal([("alice", 1, (int?)null), ("bob", 2, (int?)1)], model.AliasHistory.Select(h => (h.ChangedBy, h.Version, h.PreviousVersion)));
        var listed = Assert.Single(await registry.ListModelsAsync(CancellationToken.None), m => m.Name == name);
        Assert.Equal(2, listed.LatestVersion);
        Assert.Equal(2, listed.Aliases["production"]);
    }

    [Fact]
    public async Task SetAliasAsync_UnknownVersion_ThrowsNotFound()
    {
        var registry = await CreateAsync();
        string name = NewName();
        await registry.RegisterAsync(name, OnnxModelBuilder.Add(1, 1), Author, CancellationToken.None);

        await Assert.ThrowsAsync<ModelNotFoundException>(() => registry.SetAliasAsync(name, "production", 7, "x", CancellationToken.None));
        await Assert.ThrowsAsync<ModelNotFoundException>(() => registry.GetByAliasAsync(name, "production", CancellationToken.None));
    }
}
