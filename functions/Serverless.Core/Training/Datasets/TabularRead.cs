namespace Serverless.Core.Training.Datasets;

/// <summary>What reading data through a spec gave: the table, how many rows the spec's policies dropped, and the schema.</summary>
public sealed record TabularRead(TrainingTable Table, int DroppedRows, IReadOnlyList<ColumnSchema> Schema);
