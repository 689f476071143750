using Microsoft.ML.OnnxRuntime;

namespace Serverless.Core;

/// <summary>
/// ONNX Runtime's process-wide log level. ML.NET's exported graphs draw shape-merge warnings from the environment's
/// logger on every load (one per categorical feature), which say nothing an operator can act on; errors still show, and
/// a model that cannot load still fails with its error.
/// </summary>
internal static class OnnxRuntimeLogging
{
    private static readonly Lazy<bool> Quieted = new(() =>
    {
        OrtEnv.Instance().EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
        return true;
    });

    /// <summary>Sets the environment's level to errors, once per process.</summary>
    public static void EnsureErrorsOnly() => _ = Quieted.Value;
}
