using System.Diagnostics;
using System.Globalization;

namespace Serverless.Benchmarks;

/// <summary>Pins processes, every thread of them, to CPUs with taskset (Linux).</summary>
internal static class ProcessAffinity
{
    /// <summary>Pins each running process of <paramref name="processIds"/> to the CPUs in taskset's <paramref name="cpus"/> list (e.g. "0").</summary>
    public static async Task PinAsync(IEnumerable<int> processIds, string cpus)
    {
        foreach (int processId in processIds)
        {
            using var taskset = Process.Start(new ProcessStartInfo("taskset", ["-a", "-p", "-c", cpus, processId.ToString(CultureInfo.InvariantCulture)])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            }) ?? throw new InvalidOperationException("taskset did not start.");
            string error = await taskset.StandardError.ReadToEndAsync();
            await taskset.WaitForExitAsync();
            if (taskset.ExitCode != 0)
            {
                throw new InvalidOperationException($"taskset could not pin process {processId} to CPU {cpus}: {error}");
            }
        }
    }
}
