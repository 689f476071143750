using System.Collections.Concurrent;

namespace Serverless.LocalRuntime.Worker;

/// <summary>Channels of workers that were started and have not connected yet, by worker id.</summary>
internal sealed class WorkerConnections
{
    private readonly ConcurrentDictionary<string, (WorkerChannel Channel, TaskCompletionSource Connected)> _expected = new();

    /// <summary>Registers a worker about to start; the task completes when it connects.</summary>
    public Task Expect(WorkerChannel channel)
    {
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _expected[channel.WorkerId] = (channel, connected);
        return connected.Task;
    }

    public void Forget(string workerId) => _expected.TryRemove(workerId, out _);

    public bool TryTake(string workerId, out WorkerChannel channel)
    {
        if (_expected.TryRemove(workerId, out var entry))
        {
            channel = entry.Channel;
            entry.Connected.TrySetResult();
            return true;
        }

        channel = null!;
        return false;
    }
}
