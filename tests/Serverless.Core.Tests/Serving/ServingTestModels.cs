using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;
using Serverless.Core.Registry;
using Serverless.Core.Serving.Execution;

namespace Serverless.Core.Tests.Serving;

/// <summary>Loaded models and version records for serving tests that need no storage.</summary>
internal static class ServingTestModels
{
    public static LoadedModel Load(byte[] model) => new(new InferenceSession(model));

    /// <summary>A version record of <paramref name="model"/>'s bytes (nothing is registered).</summary>
    public static ModelVersionInfo Version(byte[] model, string name = "m", int version = 1) => new(
        name,
        version,
        Convert.ToHexStringLower(SHA256.HashData(model)),
        model.Length,
        "sha256/none.onnx",
        new ModelSignature([], []),
        DateTimeOffset.UnixEpoch,
        new RegistrationMetadata("tests"));

    public static float[] RunAdd(LoadedModel model)
    {
        using var a = OrtValue.CreateTensorValueFromMemory(new float[] { 1, 2 }, [2]);
        using var b = OrtValue.CreateTensorValueFromMemory(new float[] { 10, 20 }, [2]);
        using var runOptions = new RunOptions();
        using var results = model.Session.Run(runOptions, ["a", "b"], [a, b], ["sum"]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
