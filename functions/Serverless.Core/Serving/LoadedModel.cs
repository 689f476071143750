using Microsoft.ML.OnnxRuntime;
using Serverless.Core.Registry;

namespace Serverless.Core.Serving;

/// <summary>A model version held in memory: its ONNX Runtime session and the version that made it.</summary>
public sealed class LoadedModel : IDisposable
{
    private readonly bool _ownsSession;

    internal LoadedModel(ModelVersionInfo version, InferenceSession session, bool ownsSession)
    {
        _ownsSession = ownsSession;
        Version = version;
        Session = session;
        OutputNames = [.. session.OutputNames];
    }

    /// <summary>The registered version this session was loaded from.</summary>
    public ModelVersionInfo Version { get; }

    /// <summary>The ONNX Runtime session; safe for concurrent <c>Run</c> calls.</summary>
    public InferenceSession Session { get; }

    /// <summary>The graph's output names, in graph order.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsSession)
        {
            Session.Dispose();
        }
    }
}
