using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Serverless.Benchmarks;

/// <summary>The local runtime as a separate process, as <c>tools/run</c> starts it (Release build).</summary>
internal sealed class RuntimeHost : IAsyncDisposable
{
    private readonly Process _process;

    private RuntimeHost(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public int ProcessId => _process.Id;

    /// <summary>Starts the runtime on a free port with <paramref name="settings"/> and waits until it is ready.</summary>
    public static async Task<RuntimeHost> StartAsync(string runtimeDll, string storage, IReadOnlyDictionary<string, string> settings)
    {
        int port = FreePort();
        var start = new ProcessStartInfo("dotnet", [runtimeDll, "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["AzureWebJobsStorage"] = storage;
        // The app's data too: a local.settings.json the runtime finds must not send it to another Azurite.
        start.Environment["AppStorage"] = storage;
        start.Environment["AzureFunctionsJobHost__logging__logLevel__default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The local runtime did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"  runtime: {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new RuntimeHost(process, new Uri($"http://127.0.0.1:{port}/"));
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            try
            {
                using var ready = await host.Client.GetAsync("v2/health/ready");
                if (ready.IsSuccessStatusCode)
                {
                    return host;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
            }

            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("The local runtime did not become ready.");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Resident and peak resident memory of the process, MiB, from /proc.</summary>
    public (double RssMiB, double PeakMiB) Memory()
    {
        var lines = File.ReadAllLines($"/proc/{_process.Id}/status");
        double Read(string key) => double.Parse(
            lines.First(l => l.StartsWith(key, StringComparison.Ordinal))[key.Length..].Trim().Split(' ')[0],
            CultureInfo.InvariantCulture) / 1024;
        return (Read("VmRSS:"), Read("VmHWM:"));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
