using Microsoft.DurableTask;

namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>Which activity failures are worth retrying: storage and network faults, not bad data or bad models.</summary>
internal static class TransientFailures
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

    public static bool IsTransient(TaskFailureDetails failure)
    {
        for (var current = failure; current is not null; current = current.InnerFailure)
        {
            if (TransientTypes.Contains(current.ErrorType, StringComparer.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
