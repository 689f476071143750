using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Serverless.Benchmarks;

/// <summary>Runs the wrk HTTP load generator and reads its report.</summary>
internal static partial class Wrk
{
    /// <summary>
    /// Runs wrk against <paramref name="url"/> with a Lua <paramref name="script"/> for the requests; on the CPUs listed in
    /// <paramref name="cpus"/> (taskset's list, e.g. "1") when given, else on any.
    /// </summary>
    public static async Task<LatencySummary> RunAsync(string name, string url, string script, int connections, int seconds, string? cpus = null)
    {
        string scriptPath = Path.Combine(Path.GetTempPath(), $"bench-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(scriptPath, script);
        try
        {
            int threads = Math.Min(connections, Environment.ProcessorCount);
            string[] arguments = ["-t", threads.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
                "-d", $"{seconds}s", "--timeout", "10s", "--latency", "-s", scriptPath, url];
            var start = new ProcessStartInfo(cpus is null ? "wrk" : "taskset", cpus is null ? arguments : ["-c", cpus, "wrk", .. arguments])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start.");
            string output = await process.StandardOutput.ReadToEndAsync();
            string error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"wrk failed ({process.ExitCode}): {error}{output}");
            }

            return Parse(name, connections, output);
        }
        finally
        {
            File.Delete(scriptPath);
        }
    }

    /// <summary>A plain GET (with the hosts' function key, which endpoints that need none ignore).</summary>
    public static string GetScript() => $$"""
        wrk.method = "GET"
        wrk.headers["x-functions-key"] = "{{BenchmarkHost.FunctionKey}}"
        """;

    /// <summary>A script that posts <paramref name="body"/> as JSON on every request, with the hosts' function key.</summary>
    public static string PostScript(string body) => $$"""
        wrk.method = "POST"
        wrk.headers["Content-Type"] = "application/json"
        wrk.headers["x-functions-key"] = "{{BenchmarkHost.FunctionKey}}"
        wrk.body = [==[{{body}}]==]
        """;

    internal static LatencySummary Parse(string name, int connections, string output)
    {
        double rps = double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        double p50 = Milliseconds(Percentile().Matches(output).First(m => m.Groups[1].Value == "50"));
        double p99 = Milliseconds(Percentile().Matches(output).First(m => m.Groups[1].Value == "99"));
        long errors = NonSuccess().Match(output) is { Success: true } non ? long.Parse(non.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        if (SocketErrors().Match(output) is { Success: true } socket)
        {
            errors += Enumerable.Range(1, 4).Sum(i => long.Parse(socket.Groups[i].Value, CultureInfo.InvariantCulture));
        }

        return new LatencySummary(name, connections, rps, p50, p99, errors);
    }

    private static double Milliseconds(Match match)
    {
        double value = double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        return match.Groups[3].Value switch
        {
            "us" => value / 1000,
            "ms" => value,
            "s" => value * 1000,
            "m" => value * 60_000,
            _ => throw new FormatException($"Unknown unit '{match.Groups[3].Value}'."),
        };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"^\s+(\d+)%\s+([\d.]+)(us|ms|s|m)\s*$", RegexOptions.Multiline)]
    private static partial Regex Percentile();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();
}
