using Serverless.Core.Monitoring.Sampling;
using Serverless.Core.Registry;

namespace Serverless.Core.Serving.Shadow;

/// <summary>A copy of one answered request, for the alias's shadow version to answer too.</summary>
/// <param name="Alias">The alias the request was served through.</param>
/// <param name="Version">The version that answered it (the alias's).</param>
/// <param name="Shadow">The shadow version.</param>
/// <param name="Protocol"><see cref="ServingMetrics.OpenInference"/> or <see cref="ServingMetrics.Records"/>.</param>
/// <param name="Body">The request body (a copy: the caller's buffer may be reused once it is answered).</param>
/// <param name="Response">The answer the caller got.</param>
/// <param name="Sampled">The monitoring samples taken of that answer, if any: the shadow's answers to the same predictions are sampled too.</param>
internal sealed record ShadowRequest(
    string Alias, int Version, ModelVersionInfo Shadow, string Protocol, ReadOnlyMemory<byte> Body, ReadOnlyMemory<byte> Response, IReadOnlyList<PredictionSample>? Sampled = null)
{
    /// <summary>The model's name.</summary>
    public string Model => Shadow.Name;
}
