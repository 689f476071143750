using System.Security.Cryptography;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Core.Registry;
using Serverless.Core.Serving;
using Serverless.Core.Serving.Artifacts;
using Serverless.Testing;

namespace Serverless.Core.Tests.Serving.Artifacts;

public sealed class ArtifactStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "artifact-store-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static async Task<(ModelRegistry Registry, BlobServiceClient Blobs)> StorageAsync()
    {
        string connection = await TestStorage.GetConnectionStringAsync();
        var blobs = new BlobServiceClient(connection);
        return (new ModelRegistry(blobs, new TableServiceClient(connection), TimeProvider.System, Options.Create(new ModelRegistryOptions())), blobs);
    }

    private ArtifactStore Store(ModelRegistry registry, TimeProvider? clock = null) => new(
        registry,
        Options.Create(new ServingOptions { CacheDirectory = _directory }),
        clock ?? TimeProvider.System,
        NullLogger<ArtifactStore>.Instance);

    private static Task<ModelVersionInfo> RegisterNewAsync(ModelRegistry registry) =>
        registry.RegisterAsync("artifact-" + Guid.NewGuid().ToString("N")[..12], OnnxModelBuilder.Unique(OnnxModelBuilder.Add(2)), new RegistrationMetadata("tests"), CancellationToken.None);

    private static string Sha256Of(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public async Task GetPathAsync_NotOnDisk_DownloadsTheVerifiedArtifactAloneInItsFolder()
    {
        var (registry, blobs) = await StorageAsync();
        var version = await RegisterNewAsync(registry);

        string path = await Store(registry).GetPathAsync(version, CancellationToken.None);

        Assert.Equal(Path.Combine(_directory, version.Sha256, "model.onnx"), path);
        Assert.Equal(version.Sha256, Sha256Of(path));
        Assert.Single(Directory.GetFileSystemEntries(Path.GetDirectoryName(path)!));
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public async Task GetPathAsync_ArtifactTampered_RefusesRecordsOneEventAndChecksAgainLater()
    {
        var (registry, blobs) = await StorageAsync();
        var version = await RegisterNewAsync(registry);
        var artifact = blobs.GetBlobContainerClient("models").GetBlobClient(version.Artifact);
        byte[] original = (await artifact.DownloadContentAsync()).Value.Content.ToArray();
        await artifact.UploadAsync(BinaryData.FromBytes(OnnxModelBuilder.Unique(OnnxModelBuilder.Add(2))), overwrite: true);
        var clock = new FakeTimeProvider();
        var store = Store(registry, clock);

        var first = await Assert.ThrowsAsync<ModelIntegrityException>(() => store.GetPathAsync(version, CancellationToken.None));
        var second = await Assert.ThrowsAsync<ModelIntegrityException>(() => store.GetPathAsync(version, CancellationToken.None));

        Assert.Contains(version.Sha256, first.Message, StringComparison.Ordinal);
        Assert.Equal(first.Message, second.Message);
        Assert.False(Directory.Exists(Path.Combine(_directory, version.Sha256)));
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
        var recorded = Assert.Single((await registry.GetModelAsync(version.Name, CancellationToken.None)).Events);
        Assert.Equal(("integrity-failure", 1), (recorded.Kind, recorded.Version));

        // Repaired in storage: served once the refusal has run its course.
        await artifact.UploadAsync(BinaryData.FromBytes(original), overwrite: true);
        clock.Advance(ArtifactStore.IntegrityRetryAfter);
        string path = await store.GetPathAsync(version, CancellationToken.None);
        Assert.Equal(version.Sha256, Sha256Of(path));
    }

    [Fact]
    public async Task GetPathAsync_DamagedLocalCopy_FetchesTheArtifactAgain()
    {
        var (registry, blobs) = await StorageAsync();
        var version = await RegisterNewAsync(registry);
        string local = await Store(registry).GetPathAsync(version, CancellationToken.None);
        await File.WriteAllBytesAsync(local, [1, 2, 3]);

        string path = await Store(registry).GetPathAsync(version, CancellationToken.None);

        Assert.Equal(local, path);
        Assert.Equal(version.Sha256, Sha256Of(path));
    }
}
