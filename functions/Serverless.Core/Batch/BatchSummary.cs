using System.Text.Json.Serialization;

namespace Serverless.Core.Batch;

/// <summary>How a batch ended, written last as <c>{prefix}/_summary.json</c> (and the orchestration's output).</summary>
/// <param name="BatchId">The batch.</param>
/// <param name="Model">The model.</param>
/// <param name="Version">The version that scored every row.</param>
/// <param name="Input">The input, <c>container/path</c>.</param>
/// <param name="Output">The output prefix, <c>container/prefix</c>.</param>
/// <param name="State"><c>completed</c> (every row scored or listed in the errors file) or <c>failed</c> (see <paramref name="Failure"/>).</param>
/// <param name="Rows">Data rows in the input.</param>
/// <param name="ScoredRows">Rows scored, in the part files.</param>
/// <param name="FailedRows">Rows that could not be scored, in the errors file.</param>
/// <param name="FailureReasons">Failed rows per reason.</param>
/// <param name="Chunks">Chunks (part files).</param>
/// <param name="ErrorsFile">The errors file, <c>container/prefix/_errors.csv</c> (row, reason), or null when no row failed.</param>
/// <param name="StartedAt">When the batch started.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="DurationSeconds">How long it took.</param>
/// <param name="Failure">Why the batch failed, when it did.</param>
public sealed record BatchSummary(
    [property: JsonPropertyName("batchId")] string BatchId,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("input")] string Input,
    [property: JsonPropertyName("output")] string Output,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("scoredRows")] long ScoredRows,
    [property: JsonPropertyName("failedRows")] long FailedRows,
    [property: JsonPropertyName("failureReasons")] IReadOnlyDictionary<string, long> FailureReasons,
    [property: JsonPropertyName("chunks")] int Chunks,
    [property: JsonPropertyName("errorsFile")] string? ErrorsFile,
    [property: JsonPropertyName("startedAt")] DateTime StartedAt,
    [property: JsonPropertyName("finishedAt")] DateTime FinishedAt,
    [property: JsonPropertyName("durationSeconds")] double DurationSeconds,
    [property: JsonPropertyName("failure")] string? Failure);
