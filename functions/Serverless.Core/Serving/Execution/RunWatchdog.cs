using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace Serverless.Core.Serving.Execution;

/// <summary>
/// Terminates ONNX Runtime runs that pass their deadline, from a thread of its own: a timer on the thread pool fires
/// late exactly when runs hold the pool's threads (measured: a 50 ms limit not applied within a second), which is when
/// a limit matters most. The thread sleeps until the earliest deadline it knows of and is woken only for an earlier
/// one, so a run costs it no wake-up as long as runs keep within their limits.
/// </summary>
internal sealed class RunWatchdog
{
    /// <summary>The process's watchdog.</summary>
    public static readonly RunWatchdog Shared = new();

    private readonly object _gate = new();
    private readonly HashSet<Watch> _running = [];
    private long _wakeAt = long.MaxValue;

    private RunWatchdog()
    {
        new Thread(Loop) { IsBackground = true, Name = "ONNX Runtime run watchdog" }.Start();
    }

    /// <summary>Sets <paramref name="options"/>' terminate flag once <paramref name="limit"/> has passed, unless the returned watch is disposed first.</summary>
    public Watch Start(RunOptions options, TimeSpan limit)
    {
        var watch = new Watch(this, options, Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency));
        lock (_gate)
        {
            _running.Add(watch);
            if (watch.Deadline < _wakeAt)
            {
                Monitor.Pulse(_gate);
            }
        }

        return watch;
    }

    private void Loop()
    {
        lock (_gate)
        {
            while (true)
            {
                long now = Stopwatch.GetTimestamp();
                long next = long.MaxValue;
                List<Watch>? expired = null;
                foreach (var watch in _running)
                {
                    if (watch.Deadline <= now)
                    {
                        (expired ??= []).Add(watch);
                    }
                    else
                    {
                        next = Math.Min(next, watch.Deadline);
                    }
                }

                expired?.ForEach(w =>
                {
                    _running.Remove(w);
                    w.Expire();
                });
                _wakeAt = next;
                if (next == long.MaxValue)
                {
                    Monitor.Wait(_gate);
                }
                else
                {
                    Monitor.Wait(_gate, Stopwatch.GetElapsedTime(now, next));
                }
            }
        }
    }

    /// <summary>One watched run; dispose it when the run returns (the run options are not touched afterwards).</summary>
    internal sealed class Watch(RunWatchdog owner, RunOptions options, long deadline) : IDisposable
    {
        private volatile bool _expired;

        public long Deadline { get; } = deadline;

        /// <summary>Whether the deadline passed and the run was told to stop.</summary>
        public bool Expired => _expired;

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._running.Remove(this);
            }
        }

        // Under the owner's lock while the watch is running, so never after Dispose (the run options may be gone then).
        internal void Expire()
        {
            _expired = true;
            options.Terminate = true;
        }
    }
}
