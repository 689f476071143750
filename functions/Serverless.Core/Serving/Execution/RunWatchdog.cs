using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace Serverless.Core.Serving.Execution;

/// <summary>
/// Terminates ONNX Runtime runs that pass their deadline, from a thread of its own: a timer on the thread pool fires
/// late exactly when runs hold the pool's threads (measured: a 50 ms limit not applied within a second), which is when
/// a limit matters most.
/// </summary>
internal sealed class RunWatchdog
{
    /// <summary>The process's watchdog (one thread, asleep while no run is watched).</summary>
    public static readonly RunWatchdog Shared = new();

    private readonly object _gate = new();
    private readonly PriorityQueue<Watch, long> _deadlines = new();

    private RunWatchdog()
    {
        new Thread(Loop) { IsBackground = true, Name = "ONNX Runtime run watchdog" }.Start();
    }

    /// <summary>Sets <paramref name="options"/>' terminate flag once <paramref name="limit"/> has passed, unless the returned watch is disposed first.</summary>
    public Watch Start(RunOptions options, TimeSpan limit)
    {
        var watch = new Watch(this, options);
        long deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        lock (_gate)
        {
            _deadlines.Enqueue(watch, deadline);
            Monitor.Pulse(_gate);
        }

        return watch;
    }

    private void Loop()
    {
        lock (_gate)
        {
            while (true)
            {
                while (_deadlines.TryPeek(out var done, out _) && done.IsDisposed)
                {
                    _deadlines.Dequeue();
                }

                if (!_deadlines.TryPeek(out var next, out long deadline))
                {
                    Monitor.Wait(_gate);
                    continue;
                }

                var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                if (remaining > TimeSpan.Zero)
                {
                    Monitor.Wait(_gate, remaining);
                    continue;
                }

                _deadlines.Dequeue();
                next.Expire();
            }
        }
    }

    /// <summary>One watched run; dispose it when the run returns (the run options are not touched afterwards).</summary>
    internal sealed class Watch(RunWatchdog owner, RunOptions options) : IDisposable
    {
        /// <summary>Whether the deadline passed and the run was told to stop.</summary>
        public bool Expired { get; private set; }

        public bool IsDisposed { get; private set; }

        public void Dispose()
        {
            lock (owner._gate)
            {
                IsDisposed = true;
            }
        }

        // Under the owner's lock, so never after Dispose (the run options may be gone then).
        internal void Expire()
        {
            Expired = true;
            options.Terminate = true;
        }
    }
}
