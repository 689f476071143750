using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Serverless.Core.Serving;
using Serverless.Core.Serving.Execution;
using Serverless.Testing;

namespace Serverless.Core.Tests.Serving.Execution;

public sealed class SessionFactoryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("session-factory-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Create_ModelReferencingAFileBesideIt_RefusesToLoadIt()
    {
        // The attack: an initializer stored as external data naming a file the server has (here beside the model).
        string path = Path.Combine(_directory, "model.onnx");
        File.WriteAllBytes(path, OnnxModelBuilder.ExternalData("secret.bin"));
        File.WriteAllBytes(Path.Combine(_directory, "secret.bin"), [.. BitConverter.GetBytes(1f), .. BitConverter.GetBytes(2f)]);
        using (var plain = new InferenceSession(path))
        {
            // Without the factory's settings ONNX Runtime reads the file: the test would pass for the wrong reason otherwise.
            using var x = OrtValue.CreateTensorValueFromMemory(new float[] { 10, 20 }, [2]);
            using var runOptions = new RunOptions();
            using var results = plain.Run(runOptions, ["x"], [x], ["y"]);
            Assert.Equal([11f, 22f], results[0].GetTensorDataAsSpan<float>().ToArray());
        }

        var refused = Assert.Throws<ModelLoadException>(() => new SessionFactory(Options.Create(new ServingOptions())).Create(path, "Model 'm' version 1"));

        Assert.Contains("Model 'm' version 1", refused.Message, StringComparison.Ordinal);
        Assert.Contains("external data", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_SingleFileModel_Loads()
    {
        string path = Path.Combine(_directory, "model.onnx");
        File.WriteAllBytes(path, OnnxModelBuilder.Add(2));

        using var model = new SessionFactory(Options.Create(new ServingOptions())).Create(path, "Model 'm' version 1");

        Assert.Equal([11f, 22f], ServingTestModels.RunAdd(model));
    }
}
