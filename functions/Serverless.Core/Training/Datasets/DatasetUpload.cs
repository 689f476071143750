using System.Text.Json.Serialization;

namespace Serverless.Core.Training.Datasets;

/// <summary>A dataset uploaded over HTTP, stored content-addressed.</summary>
/// <param name="Name">The dataset's name; a spec reads its latest upload with <c>data.dataset</c>.</param>
/// <param name="Sha256">SHA-256 of the bytes, lower-case hex: the same bytes are stored once.</param>
/// <param name="SizeBytes">Its length.</param>
/// <param name="UploadedAt">When it was uploaded.</param>
/// <param name="UploadedBy">Who uploaded it.</param>
public sealed record DatasetUpload(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("sizeBytes")] long SizeBytes,
    [property: JsonPropertyName("uploadedAt")] DateTimeOffset UploadedAt,
    [property: JsonPropertyName("uploadedBy")] string UploadedBy);
