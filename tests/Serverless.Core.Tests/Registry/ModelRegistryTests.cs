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

    private static async Task<ModelRegistry> CreateAsync(ModelRegistryOptions? options = null)
    {
        string connection = await TestStorage.GetConnectionStringAsync();
        return new ModelRegistry(new BlobServiceClient(connection), new TableServiceClient(connection), TimeProvider.System, Options.Create(options ?? new ModelRegistryOptions()));
    }

    private static async Task<bool> ArtifactExistsAsync(byte[] model)
    {
        string sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(model));
        var blobs = new BlobServiceClient(await TestStorage.GetConnectionStringAsync());
        return await blobs.GetBlobContainerClient("models").GetBlobClient($"sha256/{sha256}.onnx").ExistsAsync();
    }

    /// <summary>Uploads <paramref name="content"/> to the reference container under a fresh path; returns the reference.</summary>
    private static async Task<string> UploadReferenceAsync(byte[] content, string container = "model-uploads")
    {
        var blobs = new BlobServiceClient(await TestStorage.GetConnectionStringAsync()).GetBlobContainerClient(container);
        await blobs.CreateIfNotExistsAsync();
        string path = $"tests/{Guid.NewGuid():N}/model.onnx";
        await blobs.GetBlobClient(path).UploadAsync(BinaryData.FromBytes(content));
        return $"{container}/{path}";
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
        Assert.Equal(model, await ReadArtifactAsync(registry, read));
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
        var ex = Assert.Throws<InvalidRegistryArgumentException>(() => ModelRegistry.ValidateName(name));

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

    public static TheoryData<string, byte[], string> ExternalDataModels => new()
    {
        { "initializer", OnnxTensorModelBuilder.AddWeights(4, "local.settings.json"), "'w'" },
        { "Constant attribute", OnnxTensorModelBuilder.ConstantFromExternal("host.json"), "'c_value'" },
        { "subgraph", OnnxTensorModelBuilder.IfWithExternalSubgraph("host.json"), "'secret'" },
    };

    [Theory]
    [MemberData(nameof(ExternalDataModels))]
    public async Task RegisterAsync_ExternalData_ThrowsNamingTheTensorAndRecordsNothing(string where, byte[] model, string tensor)
    {
        var registry = await CreateAsync();
        string name = NewName();

        var ex = await Assert.ThrowsAsync<InvalidModelException>(() => registry.RegisterAsync(name, model, Author, CancellationToken.None));

        Assert.Contains(tensor, ex.Message, StringComparison.Ordinal);
        Assert.Contains("single-file", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ModelNotFoundException>(() => registry.GetModelAsync(name, CancellationToken.None));
        Assert.False(await ArtifactExistsAsync(model), where);
    }

    [Fact]
    public async Task RegisterAsync_InitializerInsideTheFile_Registers()
    {
        var registry = await CreateAsync();
        byte[] model = OnnxTensorModelBuilder.AddWeights(1000);

        var registered = await registry.RegisterAsync(NewName(), model, Author, CancellationToken.None);

        Assert.Equal(model.LongLength, registered.SizeBytes);
        Assert.True(await ArtifactExistsAsync(model));
    }

    [Fact]
    public async Task RegisterAsync_StreamOverTheLimit_ThrowsTooLargeAndRecordsNothing()
    {
        var registry = await CreateAsync(new ModelRegistryOptions { MaxModelBytes = 1024 });
        string name = NewName();
        byte[] model = OnnxTensorModelBuilder.AddWeights(1000);

        await Assert.ThrowsAsync<ModelTooLargeException>(() => registry.RegisterAsync(name, new MemoryStream(model), Author, CancellationToken.None));

        await Assert.ThrowsAsync<ModelNotFoundException>(() => registry.GetModelAsync(name, CancellationToken.None));
        Assert.False(await ArtifactExistsAsync(model));
    }

    [Fact]
    public async Task RegisterFromBlobAsync_ModelInTheReferenceContainer_RegistersContentAddressedCopy()
    {
        var registry = await CreateAsync();
        byte[] model = OnnxModelBuilder.Unique(OnnxTensorModelBuilder.AddWeights(64));
        string reference = await UploadReferenceAsync(model);
        string name = NewName();

        var registered = await registry.RegisterFromBlobAsync(name, reference, Author, CancellationToken.None);

        Assert.Equal(1, registered.Version);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(model)), registered.Sha256);
        Assert.Equal($"sha256/{registered.Sha256}.onnx", registered.Artifact);
        Assert.Equal(model, await ReadArtifactAsync(registry, registered));
        Assert.Equal(["x"], registered.Signature.Inputs.Select(i => i.Name));
    }

    [Theory]
    [InlineData("no-slash")]
    [InlineData("Bad_Container/model.onnx")]
    [InlineData("model-uploads/")]
    [InlineData("models/sha256/anything.onnx")]
    [InlineData("model-uploads/does/not/exist.onnx")]
    public async Task RegisterFromBlobAsync_BadReference_ThrowsNamingTheProblemAndRecordsNothing(string reference)
    {
        var registry = await CreateAsync();
        string name = NewName();

        var ex = await Assert.ThrowsAsync<InvalidRegistryArgumentException>(() => registry.RegisterFromBlobAsync(name, reference, Author, CancellationToken.None));

        Assert.Contains(reference.Split('/')[0], ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ModelNotFoundException>(() => registry.GetModelAsync(name, CancellationToken.None));
    }

    [Fact]
    public async Task RegisterFromBlobAsync_BlobOverTheLimit_ThrowsTooLarge()
    {
        var registry = await CreateAsync(new ModelRegistryOptions { MaxModelBytes = 1024 });
        string reference = await UploadReferenceAsync(OnnxTensorModelBuilder.AddWeights(1000));

        await Assert.ThrowsAsync<ModelTooLargeException>(() => registry.RegisterFromBlobAsync(NewName(), reference, Author, CancellationToken.None));
    }

    [Fact]
    public async Task RegisterFromBlobAsync_ExternalData_ThrowsNamingTheTensor()
    {
        var registry = await CreateAsync();
        string reference = await UploadReferenceAsync(OnnxTensorModelBuilder.AddWeights(4, "host.json"));

        var ex = await Assert.ThrowsAsync<InvalidModelException>(() => registry.RegisterFromBlobAsync(NewName(), reference, Author, CancellationToken.None));

        Assert.Contains("'w'", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>A registry whose storage does not answer: any storage call would fail only after the SDK's retries.</summary>
    private static ModelRegistry Unreachable()
    {
        const string key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        const string connection = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + key +
            ";BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1";
        return new ModelRegistry(new BlobServiceClient(connection), new TableServiceClient(connection), TimeProvider.System, Options.Create(new ModelRegistryOptions()));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a#b")]
    [InlineData("a\\b")]
    [InlineData("UPPER")]
    [InlineData("")]
    [InlineData("production\n")]
    public async Task AliasPaths_InvalidAlias_ThrowBeforeAnyStorageCall(string alias)
    {
        var registry = Unreachable();

        Assert.IsType<InvalidRegistryArgumentException>(await Record(() => registry.GetByAliasAsync("m", alias, CancellationToken.None)));
        Assert.IsType<InvalidRegistryArgumentException>(await Record(() => registry.GetAliasTargetAsync("m", alias, CancellationToken.None)));
        Assert.IsType<InvalidRegistryArgumentException>(await Record(() => registry.SetAliasAsync("m", alias, 1, "tests", CancellationToken.None)));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a?b")]
    [InlineData("-x")]
    [InlineData("trailing-newline\n")]
    public async Task EveryPath_InvalidName_ThrowsBeforeAnyStorageCall(string name)
    {
        var registry = Unreachable();

        Assert.IsType<InvalidRegistryArgumentException>(await Record(() => registry.GetModelAsync(name, CancellationToken.None)));
        Assert.IsType<InvalidRegistryArgumentException>(await Record(() => registry.GetVersionAsync(name, 1, CancellationToken.None)));
        Assert.IsType<InvalidRegistryArgumentException>(await Record(() => registry.GetByAliasAsync(name, "production", CancellationToken.None)));
        Assert.IsType<InvalidRegistryArgumentException>(await Record(() => registry.GetAliasTargetAsync(name, "production", CancellationToken.None)));
        Assert.IsType<InvalidRegistryArgumentException>(await Record(() => registry.SetAliasAsync(name, "production", 1, "tests", CancellationToken.None)));
        Assert.IsType<InvalidRegistryArgumentException>(await Record(() => registry.RecordEventAsync(name, 1, "kind", "message", CancellationToken.None)));
        Assert.IsType<InvalidRegistryArgumentException>(await Record(() => registry.RegisterAsync(name, OnnxModelBuilder.Add(1), Author, CancellationToken.None)));
        Assert.IsType<InvalidRegistryArgumentException>(await Record(() => registry.RegisterFromBlobAsync(name, "model-uploads/m.onnx", Author, CancellationToken.None)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task VersionPaths_VersionBelowOne_ThrowBeforeAnyStorageCall(int version)
    {
        var registry = Unreachable();

        Assert.IsType<InvalidRegistryArgumentException>(await Record(() => registry.GetVersionAsync("m", version, CancellationToken.None)));
        Assert.IsType<InvalidRegistryArgumentException>(await Record(() => registry.SetAliasAsync("m", "production", version, "tests", CancellationToken.None)));
        Assert.IsType<InvalidRegistryArgumentException>(await Record(() => registry.RecordEventAsync("m", version, "kind", "message", CancellationToken.None)));
    }

    [Fact]
    public async Task GetAliasTargetAsync_InvalidAlias_MessageSaysWhatIsAllowed()
    {
        var ex = await Assert.ThrowsAsync<InvalidRegistryArgumentException>(() => Unreachable().GetAliasTargetAsync("m", "a/b", CancellationToken.None));

        Assert.Contains("'a/b' is not a valid alias", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<Exception> Record(Func<Task> action) =>
        await Record(async () =>
        {
            await action();
            return 0;
        });

    private static async Task<Exception> Record<T>(Func<Task<T>> action)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await action().WaitAsync(timeout.Token);
        }
        catch (Exception ex)
        {
            return ex;
        }

        throw new InvalidOperationException("No exception was thrown.");
    }

    private static async Task<byte[]> ReadArtifactAsync(ModelRegistry registry, ModelVersionInfo version)
    {
        await using var artifact = await registry.OpenArtifactAsync(version, CancellationToken.None);
        using var copy = new MemoryStream();
        await artifact.CopyToAsync(copy);
        return copy.ToArray();
    }
}
