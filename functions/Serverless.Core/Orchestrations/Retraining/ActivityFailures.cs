using System.Text.Json;
using Microsoft.DurableTask;

namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>
/// Reads an activity's failure as the isolated Functions worker reports it: its message may be the exception chain as
/// JSON (<c>errorType</c>, <c>errorMessage</c>, <c>stackTrace</c>, <c>innerFailure</c>). Pure functions of the failure, so
/// replay-safe.
/// </summary>
internal static class ActivityFailures
{
    private static readonly string[] TransientTypes =
    [
        "Azure.RequestFailedException",
        "System.IO.IOException",
        "System.Net.Http.HttpRequestException",
        "System.Net.Sockets.SocketException",
        "System.TimeoutException",
        "System.Threading.Tasks.TaskCanceledException",
    ];

    /// <summary>
    /// Storage and network faults, worth retrying; bad data or a bad model fails the same way again. The outermost
    /// exception decides (through aggregates): a data error caused by a missing blob is a data error.
    /// </summary>
    public static bool IsTransient(TaskFailureDetails failure) =>
        Chain(failure).SkipWhile(e => e.Type is "System.AggregateException" or "(unknown)" or "")
            .Select(e => TransientTypes.Contains(e.Type, StringComparer.Ordinal))
            .FirstOrDefault();

    /// <summary>The failure's message as a person reads it: the exception's own message, without types or stack traces.</summary>
    public static string Message(TaskFailureDetails failure) => Chain(failure).FirstOrDefault().Message ?? failure.ErrorMessage;

    private static IEnumerable<(string Type, string Message)> Chain(TaskFailureDetails failure)
    {
        for (var current = failure; current is not null; current = current.InnerFailure)
        {
            if (Parse(current.ErrorMessage) is { } reported)
            {
                using (reported)
                {
                    for (JsonElement? item = reported.RootElement; item is { ValueKind: JsonValueKind.Object } e; item = e.TryGetProperty("innerFailure", out var inner) ? inner : null)
                    {
                        yield return (Text(e, "errorType"), Text(e, "errorMessage"));
                    }
                }
            }
            else
            {
                yield return (current.ErrorType, current.ErrorMessage);
            }
        }
    }

    private static JsonDocument? Parse(string message)
    {
        if (!message.TrimStart().StartsWith('{'))
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(message);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;
}
