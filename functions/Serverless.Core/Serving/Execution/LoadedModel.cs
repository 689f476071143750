using Microsoft.ML.OnnxRuntime;
using Serverless.Core.Serving.Protocol;

namespace Serverless.Core.Serving.Execution;

/// <summary>
/// A model held in memory: one ONNX Runtime session per artifact hash, shared by every version registered with the
/// same bytes (the request's resolved version is what answers name).
/// </summary>
internal sealed class LoadedModel : IDisposable
{
    private RecordsCodec.Plan? _recordsPlan;

    public LoadedModel(InferenceSession session)
    {
        Session = session;
        OutputNames = [.. session.OutputNames];
    }

    /// <summary>The ONNX Runtime session; safe for concurrent <c>Run</c> calls.</summary>
    public InferenceSession Session { get; }

    /// <summary>The graph's output names, in graph order.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>How the records API maps rows onto this graph, worked out on first use.</summary>
    public RecordsCodec.Plan RecordsPlan => _recordsPlan ??= RecordsCodec.Plan.For(Session);

    /// <summary>Whether the session has been released (the cache's unload of it).</summary>
    public bool IsDisposed { get; private set; }

    public void Dispose()
    {
        IsDisposed = true;
        Session.Dispose();
    }
}
