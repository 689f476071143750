using System.Text.Json.Serialization;

namespace Serverless.Core.Training.Datasets;

/// <summary>
/// A frozen copy of training data as a retraining read it: stored content-addressed, so the same bytes give the same
/// <paramref name="Id"/>, with its schema and per-feature baseline statistics (for monitoring) as read through the spec.
/// </summary>
/// <param name="Id">The dataset id: the SHA-256 of its bytes, lower-case hex.</param>
/// <param name="Source">Where the bytes came from (<c>container/path</c> or <c>dataset:name</c>).</param>
/// <param name="Format"><c>csv</c> or <c>parquet</c>.</param>
/// <param name="SizeBytes">Its length.</param>
/// <param name="Rows">Rows kept after the spec's missing-value policy.</param>
/// <param name="DroppedRows">Rows dropped by that policy.</param>
/// <param name="Schema">Each column the spec uses, with its role and type.</param>
/// <param name="Baseline">Per-feature baseline statistics.</param>
/// <param name="SnapshotAt">When the snapshot was taken.</param>
public sealed record DatasetSnapshot(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("sizeBytes")] long SizeBytes,
    [property: JsonPropertyName("rows")] int Rows,
    [property: JsonPropertyName("droppedRows")] int DroppedRows,
    [property: JsonPropertyName("schema")] IReadOnlyList<ColumnSchema> Schema,
    [property: JsonPropertyName("baseline")] IReadOnlyList<FeatureBaseline> Baseline,
    [property: JsonPropertyName("snapshotAt")] DateTimeOffset SnapshotAt);
