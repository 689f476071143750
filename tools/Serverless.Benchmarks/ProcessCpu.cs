using System.Globalization;

namespace Serverless.Benchmarks;

/// <summary>CPU time a process has used so far (user and system, from <c>/proc/PID/stat</c>), so a cost can be charged to the process that paid it.</summary>
internal static class ProcessCpu
{
    // USER_HZ: 100 on every Linux the kernel's ABI promises to user space.
    private const double TicksPerSecond = 100;

    /// <summary>The CPU time of each process, summed; a process that has gone counts zero.</summary>
    public static TimeSpan Read(IEnumerable<int> processIds) =>
        TimeSpan.FromSeconds(processIds.Sum(Seconds));

    private static double Seconds(int processId)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (IOException)
        {
            return 0;
        }

        // The command name (field 2) may hold spaces; the fields after its closing parenthesis are plain: utime and stime are 14th and 15th.
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }
}
