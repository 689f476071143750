namespace Serverless.Core.Training.Datasets;

/// <summary>A categorical column; the empty string where the value is missing.</summary>
public sealed record CategoricalColumn(string Name, string[] Values);
