using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Core.SelfChecks;

/// <summary>A request to check that the platform's storage works end to end.</summary>
/// <param name="CheckId">Identifies the check; the outcome is recorded under it exactly once.</param>
/// <param name="Source">What asked for it: <c>timer</c>, <c>http</c>, an operator's name...</param>
public sealed record SelfCheckRequest(
    [property: JsonPropertyName("checkId")] string CheckId,
    [property: JsonPropertyName("source")] string Source)
{
    /// <summary>Creates a request with a new identifier.</summary>
    public static SelfCheckRequest Create(string source) => new(Guid.NewGuid().ToString("N"), source);

    /// <summary>Reads a request from its JSON form, as carried on the queue.</summary>
    /// <exception cref="FormatException">The text is not a valid request; the message says what is wrong.</exception>
    public static SelfCheckRequest Parse(string json)
    {
        SelfCheckRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<SelfCheckRequest>(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"A self-check request must be JSON like {{\"checkId\":\"...\",\"source\":\"...\"}}: {ex.Message}", ex);
        }

        if (request is null || string.IsNullOrWhiteSpace(request.CheckId) || string.IsNullOrWhiteSpace(request.Source))
        {
            throw new FormatException("A self-check request needs a non-empty 'checkId' and 'source'.");
        }

        ValidateCheckId(request.CheckId);
        return request;
    }

    /// <summary>Checks that <paramref name="checkId"/> can key a check in storage.</summary>
    /// <exception cref="FormatException">It cannot; the message says what is allowed.</exception>
    public static void ValidateCheckId(string checkId)
    {
        ArgumentNullException.ThrowIfNull(checkId);
        if (checkId.Length > 128 || checkId.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c)))
        {
            throw new FormatException("A self-check 'checkId' is at most 128 characters without '/', '\\', '#', '?' or control characters.");
        }
    }

    /// <summary>The request's JSON form.</summary>
    public string ToJson() => JsonSerializer.Serialize(this);
}
