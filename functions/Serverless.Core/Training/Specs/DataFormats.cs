namespace Serverless.Core.Training.Specs;

/// <summary>The data formats a spec may name.</summary>
public static class DataFormats
{
    /// <summary>Comma-separated (or <c>data.separator</c>-separated) text.</summary>
    public const string Csv = "csv";

    /// <summary>Apache Parquet.</summary>
    public const string Parquet = "parquet";
}
