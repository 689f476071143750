using System.Text.Json.Serialization;
using Serverless.Core.Serving.Cache;

namespace Serverless.Core.Serving.Protocol;

/// <summary>
/// The serving endpoints' JSON types, serialized by source-generated code (no reflection at run time). The infer and
/// predict bodies are read and written as streams of tokens instead (<see cref="OpenInferenceCodec"/>, <see cref="RecordsCodec"/>).
/// </summary>
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(ModelMetadataResponse))]
[JsonSerializable(typeof(ModelReadyResponse))]
[JsonSerializable(typeof(ModelCacheStatistics))]
[JsonSerializable(typeof(ServerMetadata))]
[JsonSerializable(typeof(LiveResponse))]
[JsonSerializable(typeof(ReadyResponse))]
internal sealed partial class ServingJsonContext : JsonSerializerContext;
