using Microsoft.ML.OnnxRuntime;

namespace Serverless.Core.Serving.Execution;

/// <summary>
/// The one CPU memory arena every serving session runs in: registered with ONNX Runtime's environment (process-wide)
/// with a maximum, so that however many requests and models there are, ONNX Runtime's working memory stays bounded and
/// a run that needs more fails instead of growing the process until the platform kills it.
/// </summary>
internal static class InferenceMemory
{
    // The smallest model there is (Identity over float [1], ONNX wire format), run only to shrink the arena.
    private static readonly byte[] ShrinkModel =
    [
        0x08, 0x08, 0x3a, 0x37, 0x0a, 0x10, 0x0a, 0x01, 0x78, 0x12, 0x01, 0x79, 0x22, 0x08, 0x49, 0x64, 0x65, 0x6e, 0x74, 0x69, 0x74, 0x79,
        0x12, 0x01, 0x67, 0x5a, 0x0f, 0x0a, 0x01, 0x78, 0x12, 0x0a, 0x0a, 0x08, 0x08, 0x01, 0x12, 0x04, 0x0a, 0x02, 0x08, 0x01, 0x62, 0x0f,
        0x0a, 0x01, 0x79, 0x12, 0x0a, 0x0a, 0x08, 0x08, 0x01, 0x12, 0x04, 0x0a, 0x02, 0x08, 0x01, 0x42, 0x04, 0x0a, 0x00, 0x10, 0x0d,
    ];

    private static readonly Lock Gate = new();
    private static long _registeredBytes;
    private static InferenceSession? _shrinker;

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

    /// <summary>Run options that give the arena's free memory back to the system at the end of the run.</summary>
    public static RunOptions ShrinkingRunOptions()
    {
        var options = new RunOptions();
        options.AddRunConfigEntry("memory.enable_memory_arena_shrinkage", "cpu:0");
        return options;
    }

    /// <summary>
    /// Gives the arena's free memory back to the system now. A run shrinks the arena when it ends, but its outputs are
    /// still held then; once a large output is released, this returns its memory instead of the next run.
    /// </summary>
    public static void GiveBack()
    {
        InferenceSession shrinker;
        lock (Gate)
        {
            if (_registeredBytes == 0)
            {
                return;
            }

            if (_shrinker is null)
            {
                using var sessionOptions = new SessionOptions();
                sessionOptions.AddSessionConfigEntry("session.use_env_allocators", "1");
                _shrinker = new InferenceSession(ShrinkModel, sessionOptions);
            }

            shrinker = _shrinker;
        }

        // The output is given, so the run allocates nothing in the arena: a fully free region is then released.
        using var runOptions = ShrinkingRunOptions();
        using var x = OrtValue.CreateTensorValueFromMemory(new float[1], [1]);
        using var y = OrtValue.CreateTensorValueFromMemory(new float[1], [1]);
        shrinker.Run(runOptions, ["x"], [x], ["y"], [y]);
    }

    /// <summary>Whether ONNX Runtime failed for want of arena memory.</summary>
    public static bool IsExhausted(OnnxRuntimeException exception) =>
        exception.Message.Contains("Failed to allocate memory", StringComparison.Ordinal) ||
        exception.Message.Contains("Available memory of", StringComparison.Ordinal);
}
