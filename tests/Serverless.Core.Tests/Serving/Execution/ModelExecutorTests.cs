using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Serverless.Core.Serving;
using Serverless.Core.Serving.Execution;
using Serverless.Testing;

namespace Serverless.Core.Tests.Serving.Execution;

public sealed class ModelExecutorTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("executor-tests-").FullName;
    private readonly List<IDisposable> _disposables = [];

    public void Dispose()
    {
        _disposables.ForEach(d => d.Dispose());
        Directory.Delete(_directory, recursive: true);
    }

    // The default arena maximum: the arena is process-wide, so every test of this process runs with the same one.
    private LoadedModel Load(byte[] model)
    {
        string path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".onnx");
        File.WriteAllBytes(path, model);
        var loaded = new SessionFactory(Options.Create(new ServingOptions())).Create(path, "test model");
        _disposables.Add(loaded);
        return loaded;
    }

    private static ModelExecutor Executor(Action<ServingOptions>? configure = null)
    {
        var options = new ServingOptions();
        configure?.Invoke(options);
        return new ModelExecutor(Options.Create(options));
    }

    private static float[] RunConstantOfShape(ModelExecutor executor, LoadedModel model, long rows, long columns)
    {
        using var shape = OrtValue.CreateTensorValueFromMemory(new[] { rows, columns }, [2]);
        using var results = executor.Run(model, ["shape"], [shape], ["y"], CancellationToken.None);
        return results.Values[0].GetTensorDataAsSpan<float>().ToArray();
    }

    [Fact]
    public void Run_OutputLargerThanTheMemoryLimit_FailsNamingTheSettingAndTheNextRunSucceeds()
    {
        var model = Load(OnnxModelBuilder.ConstantOfShape());
        var executor = Executor();

        // 20000 x 20000 floats: 1.6 GB, more than the default 512 MiB.
        var refused = Assert.Throws<RequestLimitExceededException>(() => RunConstantOfShape(executor, model, 20000, 20000));

        Assert.Contains("Serving__MaxInferenceMemoryBytes", refused.Message, StringComparison.Ordinal);
        Assert.Equal(new float[6], RunConstantOfShape(executor, model, 2, 3));
    }

    [Fact]
    public void Run_MoreOutputValuesThanAllowed_FailsNamingTheSetting()
    {
        var model = Load(OnnxModelBuilder.ConstantOfShape());
        var executor = Executor(o => o.MaxOutputElements = 1000);

        var refused = Assert.Throws<RequestLimitExceededException>(() => RunConstantOfShape(executor, model, 100, 100));

        Assert.Contains("10000 values", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Serving__MaxOutputElements", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1000, RunConstantOfShape(executor, model, 10, 100).Length);
    }

    [Fact]
    public void Run_LongerThanMaxRunTime_IsTerminatedNamingTheSetting()
    {
        var model = Load(OnnxModelBuilder.MatMulChain(3000));
        var executor = Executor(o => o.MaxRunTime = TimeSpan.FromMilliseconds(50));
        using var x = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(0.5f, 256 * 256).ToArray(), [256, 256]);

        var refused = Assert.Throws<RequestLimitExceededException>(() => executor.Run(model, ["x"], [x], ["y"], CancellationToken.None).Dispose());

        Assert.Contains("Serving__MaxRunTime", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_CallerGoneAway_StopsTheRun()
    {
        var model = Load(OnnxModelBuilder.MatMulChain(3000));
        using var x = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(0.5f, 256 * 256).ToArray(), [256, 256]);
        using var gone = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        Assert.ThrowsAny<OperationCanceledException>(() => Executor().Run(model, ["x"], [x], ["y"], gone.Token).Dispose());
    }

    [Fact]
    public void Run_ValuesTheGraphCannotCombine_IsTheCallersError()
    {
        var model = Load(OnnxModelBuilder.MatMulChain(2));
        using var x = OrtValue.CreateTensorValueFromMemory(new float[6], [2, 3]);

        var refused = Assert.Throws<InvalidInferenceRequestException>(() => Executor().Run(model, ["x"], [x], ["y"], CancellationToken.None).Dispose());

        Assert.Contains("could not run on this input", refused.Message, StringComparison.Ordinal);
    }
}
