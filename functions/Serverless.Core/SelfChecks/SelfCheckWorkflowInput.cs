using System.Text.Json.Serialization;

namespace Serverless.Core.SelfChecks;

/// <summary>Input of the self-check orchestration.</summary>
/// <param name="Request">The check to run.</param>
/// <param name="PauseSeconds">A durable pause between the blob and the table probe, to observe a check mid-way.</param>
public sealed record SelfCheckWorkflowInput(
    [property: JsonPropertyName("request")] SelfCheckRequest Request,
    [property: JsonPropertyName("pauseSeconds")] int PauseSeconds);
