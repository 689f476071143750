using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace Serverless.Core.Serving.Execution;

/// <summary>
/// Creates ONNX Runtime sessions from artifact files, configured for serving: the shared bounded memory arena
/// (<see cref="InferenceMemory"/>), model weights outside it, and external data resolved only in an empty folder, so
/// that a model can never make ONNX Runtime read a file of the server.
/// </summary>
internal sealed class SessionFactory
{
    // A fresh folder of this process's own, which nothing writes to: an external data reference finds nothing there.
    private static readonly Lazy<string> NoExternalData = new(() => Directory.CreateTempSubdirectory("serverless-no-external-data-").FullName);

    private readonly ServingOptions _options;

    public SessionFactory(IOptions<ServingOptions> options)
    {
        _options = options.Value;
    }

    /// <summary>Loads the model at <paramref name="path"/>.</summary>
    /// <exception cref="ModelLoadException">ONNX Runtime cannot load the file, or it references external data.</exception>
    public LoadedModel Create(string path, string description)
    {
        InferenceMemory.EnsureRegistered(_options.MaxInferenceMemoryBytes);
        OnnxRuntimeLogging.EnsureErrorsOnly();
        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = _options.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        sessionOptions.AddSessionConfigEntry("session.use_env_allocators", "1");
        sessionOptions.AddSessionConfigEntry("session.use_device_allocator_for_initializers", "1");
        sessionOptions.AddSessionConfigEntry("session.model_external_initializers_file_folder_path", NoExternalData.Value);
        try
        {
            return new LoadedModel(new InferenceSession(path, sessionOptions));
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelLoadException($"{description} cannot be loaded by ONNX Runtime (models must be single files, without external data): {ex.Message}", ex);
        }
    }
}
