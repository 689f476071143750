using System.Text.Json.Serialization;

namespace Serverless.Core.Serving;

/// <summary>The error body every endpoint answers with, as the Open Inference Protocol defines it.</summary>
/// <param name="Error">What went wrong, in words a caller can act on.</param>
public sealed record ErrorResponse([property: JsonPropertyName("error")] string Error);
