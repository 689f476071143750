using System.Text.Json;

namespace Serverless.Core.Batch;

/// <summary>JSON options for what batch scoring writes for people to read.</summary>
internal static class BatchJson
{
    /// <summary>Indented, as the summary file is read by people too.</summary>
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
