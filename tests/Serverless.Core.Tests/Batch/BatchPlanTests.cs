using System.Text;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.OnnxRuntime.Tensors;
using Serverless.Core.Batch;
using Serverless.Core.Registry;
using Serverless.Testing;

namespace Serverless.Core.Tests.Batch;

/// <summary>The planning activity on Azurite, with the platform's registry and model cache.</summary>
public sealed class BatchPlanTests
{
    [Fact]
    public async Task PlanAsync_ModelTakingSeveralValuesPerFeature_FailsTheBatchBeforeAnyChunkSayingWhy()
    {
        string connection = await TestStorage.GetConnectionStringAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = connection, ["Monitoring:SampleRate"] = "0" }).Build();
        using var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddServerlessCore(configuration).BuildServiceProvider();
        string id = Guid.NewGuid().ToString("N")[..10];
        var info = await services.GetRequiredService<ModelRegistry>().RegisterAsync("wide-" + id, OnnxModelBuilder.Identity(TensorElementType.Float, -1, 3), new RegistrationMetadata("tester"), CancellationToken.None);
        var inputs = new BlobServiceClient(connection).GetBlobContainerClient("pin-" + id);
        await inputs.CreateIfNotExistsAsync();
        await inputs.GetBlobClient("m/file.csv").UploadAsync(new BinaryData(Encoding.UTF8.GetBytes("x\n1\n")));
        var batch = new BatchInput("batch-wide-" + id, info.Name, info.Version, inputs.Name, "m/file.csv", "pout-" + id, "run", BatchFiles.Csv, 10, 1, "tester");

        var ex = await Assert.ThrowsAsync<BatchInputException>(() => services.GetRequiredService<BatchActivities>().PlanAsync(batch, CancellationToken.None));

        Assert.Contains("more than one value per feature and row", ex.Message, StringComparison.Ordinal);
    }
}
