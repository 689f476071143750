using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Core.Monitoring.Sampling;

/// <summary>
/// One sampled prediction (one row): the model and version that answered, the prediction id the answer carried, when,
/// the row's features (<c>{feature: value}</c>) and its prediction as the records API writes it (<c>label</c>,
/// <c>probabilities</c>, <c>value</c>; for an Open Inference Protocol request, <c>{output name: the row's value}</c>).
/// </summary>
/// <param name="Model">The model's name.</param>
/// <param name="Version">The version that answered.</param>
/// <param name="PredictionId">The prediction id of the answer (for a split Open Inference Protocol request, the request's id and <c>.row</c>).</param>
/// <param name="Time">When it was answered (UTC).</param>
/// <param name="Inputs">The row's features, a JSON object.</param>
/// <param name="Outputs">The row's prediction, a JSON object.</param>
/// <param name="Actual">The true label or value sent as feedback for it (<c>POST /models/{name}/feedback</c>), or null while none has arrived.</param>
/// <param name="Shadow">
/// Whether a shadow version made it, answering a copy of a request the alias's version answered (the prediction id is
/// that answer's): monitored as the shadow version's own stream, never as the version that served the caller.
/// </param>
public sealed record PredictionSample(
    string Model,
    int Version,
    string PredictionId,
    DateTimeOffset Time,
    JsonElement Inputs,
    JsonElement Outputs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Actual = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Shadow = false);
