using Microsoft.ML.OnnxRuntime;

namespace Serverless.Core.Serving.Execution;

/// <summary>
/// The one CPU memory arena every serving session runs in: registered with ONNX Runtime's environment (process-wide)
/// with a maximum, so that however many requests and models there are, ONNX Runtime's working memory stays bounded and
/// a run that needs more fails instead of growing the process until the platform kills it.
/// </summary>
internal static class InferenceMemory
{
    private static readonly Lock Gate = new();
    private static long _registeredBytes;

    /// <summary>The arena's maximum, 0 before one is registered.</summary>
    public static long LimitBytes
    {
        get
        {
            lock (Gate)
            {
                return _registeredBytes;
            }
        }
    }

    /// <summary>Registers the arena with <paramref name="maxBytes"/> unless one is registered; returns the maximum in force.</summary>
    public static long EnsureRegistered(long maxBytes)
    {
        lock (Gate)
        {
            if (_registeredBytes > 0)
            {
                return _registeredBytes;
            }

            using var memoryInfo = new OrtMemoryInfo(OrtMemoryInfo.allocatorCPU, OrtAllocatorType.ArenaAllocator, 0, OrtMemType.Default);

            // Extended by what is asked (1 = kSameAsRequested), not in powers of two: the maximum is then what runs may use.
            using var arena = new OrtArenaCfg(checked((uint)maxBytes), 1, -1, -1);
            OrtEnv.Instance().CreateAndRegisterAllocator(memoryInfo, arena);
            _registeredBytes = maxBytes;
            return maxBytes;
        }
    }

    /// <summary>Whether ONNX Runtime failed for want of arena memory.</summary>
    public static bool IsExhausted(OnnxRuntimeException exception) =>
        exception.Message.Contains("Failed to allocate memory", StringComparison.Ordinal) ||
        exception.Message.Contains("Available memory of", StringComparison.Ordinal);
}
