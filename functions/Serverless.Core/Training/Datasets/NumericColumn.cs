namespace Serverless.Core.Training.Datasets;

/// <summary>A numeric column; NaN where the value is missing.</summary>
public sealed record NumericColumn(string Name, float[] Values);
