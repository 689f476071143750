using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using Serverless.Core.Registry;
using Serverless.Core.Serving;

namespace Serverless.Core.Scoring;

/// <summary>
/// Scores a queued request through the records API (<see cref="InferenceService.PredictAsync"/>, so a queued row is
/// scored, sampled and counted as a <c>/predict</c> row is) and puts the result on the reply queue with the request's
/// correlation id: <c>{"correlationId", "model_name", "model_version", "predictions": [...]}</c>.
/// </summary>
public sealed class EventScorer(InferenceService inference, QueueServiceClient queues, IOptions<ScoringOptions> options)
{
    // A queue message holds 64 KiB; base64 makes 48 KiB of JSON into 64.
    private const int MaxReplyBytes = 48 * 1024;

    private readonly ScoringOptions _options = options.Value;

    /// <summary>Reads and validates a request message.</summary>
    /// <exception cref="InvalidScoreRequestException">It is not a valid request; the message says why.</exception>
    public static ScoreRequest Parse(string message)
    {
        ScoreRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<ScoreRequest>(message, StrictJson);
        }
        catch (JsonException ex)
        {
            throw new InvalidScoreRequestException($"A score request must be JSON like {{\"model\": \"name\", \"rows\": [{{...}}], \"correlationId\": \"...\"}}: {ex.Message}", ex);
        }

        if (request?.Model is not { Length: > 0 })
        {
            throw new InvalidScoreRequestException("A score request must name its \"model\".");
        }

        if (request.Rows.ValueKind != JsonValueKind.Array || request.Rows.GetArrayLength() == 0)
        {
            throw new InvalidScoreRequestException("A score request needs \"rows\": an array of objects mapping feature names to values.");
        }

        if (request.ReplyQueue is { } queue && !ModelRegistry.IsContainerName(queue))
        {
            throw new InvalidScoreRequestException($"\"replyQueue\" '{ModelRegistry.Shorten(queue)}' is not a queue name (3 to 63 lower-case letters, digits and single hyphens).");
        }

        return request;
    }

    /// <summary>Scores the request and sends the result; returns the version that scored it.</summary>
    /// <exception cref="InvalidScoreRequestException">The request is not valid, or its result would not fit a queue message.</exception>
    /// <exception cref="ModelNotFoundException">No such model, version or alias.</exception>
    /// <exception cref="InvalidInferenceRequestException">The rows do not fit the model.</exception>
    public async Task<ModelVersionInfo> ScoreAsync(ScoreRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? version = request.Version?.ToString(CultureInfo.InvariantCulture);
        byte[] body = Encoding.UTF8.GetBytes($"{{\"rows\":{request.Rows.GetRawText()}}}");
        var info = await inference.ResolveAsync(request.Model!, version, request.Alias, cancellationToken);
        // The resolved version, so that the answer names the version that made it even if the alias moves meanwhile.
        var answer = await inference.PredictAsync(info.Name, info.Version.ToString(CultureInfo.InvariantCulture), null, body, cancellationToken);
        using var predicted = JsonDocument.Parse(answer);
        var reply = new ArrayBufferWriter<byte>(answer.Length + 128);
        using (var writer = new Utf8JsonWriter(reply))
        {
            writer.WriteStartObject();
            writer.WriteString("correlationId", request.CorrelationId);
            foreach (var property in predicted.RootElement.EnumerateObject())
            {
                property.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        if (reply.WrittenCount > MaxReplyBytes)
        {
            throw new InvalidScoreRequestException(string.Create(CultureInfo.InvariantCulture,
                $"The result of {request.Rows.GetArrayLength()} rows is larger than a queue message holds ({MaxReplyBytes} bytes of JSON): send fewer rows per message, or use a batch."));
        }

        var queue = queues.GetQueueClient(request.ReplyQueue ?? _options.ResultQueue);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await queue.SendMessageAsync(Encoding.UTF8.GetString(reply.WrittenSpan), cancellationToken);
        return info;
    }

    private static readonly JsonSerializerOptions StrictJson = new() { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow };
}
