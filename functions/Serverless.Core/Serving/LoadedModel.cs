using Microsoft.ML.OnnxRuntime;

namespace Serverless.Core.Serving;

/// <summary>
/// A model held in memory: one ONNX Runtime session per artifact hash, shared by every version registered with the
/// same bytes (the request's resolved version is what answers name).
/// </summary>
public sealed class LoadedModel : IDisposable
{
    private RecordsCodec.Plan? _recordsPlan;

    internal LoadedModel(InferenceSession session)
    {
        Session = session;
        OutputNames = [.. session.OutputNames];
    }

    /// <summary>The ONNX Runtime session; safe for concurrent <c>Run</c> calls.</summary>
    public InferenceSession Session { get; }

    /// <summary>The graph's output names, in graph order.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>How the records API maps rows onto this graph, worked out on first use.</summary>
    internal RecordsCodec.Plan RecordsPlan => _recordsPlan ??= RecordsCodec.Plan.For(Session);

    /// <inheritdoc/>
    public void Dispose() => Session.Dispose();
}
