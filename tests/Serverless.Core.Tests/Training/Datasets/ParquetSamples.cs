using System.Text.Json.Serialization;
using Parquet.Serialization;

namespace Serverless.Core.Tests.Training.Datasets;

/// <summary>Small Parquet files written in the test with Parquet.Net, over the columns of <see cref="TestSpecs.Small"/>.</summary>
internal static class ParquetSamples
{
    /// <summary>The rows as a Parquet file in memory, positioned at its start.</summary>
    public static async Task<MemoryStream> WriteAsync(params Row[] rows)
    {
        var stream = new MemoryStream();
        await ParquetSerializer.SerializeAsync(rows, stream);
        stream.Position = 0;
        return stream;
    }

    /// <summary>One row: x numeric, color categorical, group protected, y the label, and a column the spec does not use.</summary>
    public sealed class Row
    {
        [JsonPropertyName("x")]
        public double? X { get; set; }

        [JsonPropertyName("color")]
        public string? Color { get; set; }

        [JsonPropertyName("group")]
        public string? Group { get; set; }

        [JsonPropertyName("y")]
        public string? Y { get; set; }

        [JsonPropertyName("extra")]
        public int Extra { get; set; }
    }
}
