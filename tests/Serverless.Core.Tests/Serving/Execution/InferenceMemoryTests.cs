using System.Diagnostics;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Serverless.Core.Serving;
using Serverless.Core.Serving.Execution;
using Serverless.Testing;

namespace Serverless.Core.Tests.Serving.Execution;

/// <summary>Measures the process's resident memory, so it runs alone.</summary>
[Collection(nameof(ResidentMemoryGroup))]
public sealed class InferenceMemoryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("inference-memory-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static long ResidentBytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    [Fact]
    public void RunResultsDispose_LargeOutput_GivesItsMemoryBackToTheSystem()
    {
        string path = Path.Combine(_directory, "model.onnx");
        File.WriteAllBytes(path, OnnxModelBuilder.ConstantOfShape());
        using var model = new SessionFactory(Options.Create(new ServingOptions())).Create(path, "test model");
        var executor = new ModelExecutor(Options.Create(new ServingOptions { MaxOutputElements = long.MaxValue }));
        using var shape = OrtValue.CreateTensorValueFromMemory(new long[] { 8000, 8000 }, [2]); // 256 MB of floats

        long during;
        using (executor.Run(model, ["shape"], [shape], ["y"], CancellationToken.None))
        {
            during = ResidentBytes();
        }

        long after = ResidentBytes();
        Assert.True(during - after > 200L * 1024 * 1024, $"Resident {during / 1048576} MiB with the output, {after / 1048576} MiB after it was released.");
    }
}
