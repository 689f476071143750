using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Serverless.LocalRuntime.Launching;

/// <summary>
/// The local Functions host as a process of its own on a free loopback port, as <c>tools/run</c> starts it: the one
/// launcher the tests (which kill and signal it) and the benchmark (which measures it) share.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private const string Env = "/usr/bin/env";

    private readonly HostProcessOptions _options;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private HostProcess(HostProcessOptions options, int port)
    {
        _options = options;
        BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>The host's address.</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client for <see cref="BaseAddress"/>.</summary>
    public HttpClient Client { get; }

    /// <summary>The host's process id, while it runs.</summary>
    public int? ProcessId => _process is { HasExited: false } process ? process.Id : null;

    /// <summary>What the host printed so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>A loopback port nothing listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Resident and peak resident memory of a process in MiB, from /proc (Linux).</summary>
    public static (double RssMiB, double PeakMiB) Memory(int processId)
    {
        var lines = File.ReadAllLines($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/status");
        double Read(string key) => double.Parse(
            lines.First(l => l.StartsWith(key, StringComparison.Ordinal))[key.Length..].Trim().Split(' ')[0],
            CultureInfo.InvariantCulture) / 1024;
        return (Read("VmRSS:"), Read("VmHWM:"));
    }

    /// <summary>Starts the host and waits until <see cref="HostProcessOptions.ReadyPath"/> answers 200.</summary>
    public static async Task<HostProcess> StartAsync(HostProcessOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var host = new HostProcess(options, FreePort());
        await host.RestartAsync(cancellationToken);
        return host;
    }

    /// <summary>Starts the host again on the same port, after <see cref="Kill"/> or <see cref="Signal"/>.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        // A process started in the background by a non-interactive shell (as CI runners start test runs) inherits SIGINT
        // ignored, and .NET keeps an ignored SIGINT ignored: the host would never see the Ctrl-C the tests send it. On
        // Linux the host starts with SIGINT at its default, as a program started from a terminal does.
        bool resetInterrupt = OperatingSystem.IsLinux() && File.Exists(Env);
        var start = new ProcessStartInfo(resetInterrupt ? Env : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (resetInterrupt)
        {
            start.ArgumentList.Add("--default-signal=INT");
            start.ArgumentList.Add("dotnet");
        }

        // The host runs in a folder of its own (no stray local.settings.json is read), so paths are made absolute here.
        foreach (string argument in (string[])[Path.GetFullPath(_options.HostAssembly), "--urls", BaseAddress.GetLeftPart(UriPartial.Authority), "--script-root", Path.GetFullPath(_options.ScriptRoot)])
        {
            start.ArgumentList.Add(argument);
        }

        if (_options.SettingsPath is { } settings)
        {
            start.ArgumentList.Add("--settings");
            start.ArgumentList.Add(Path.GetFullPath(settings));
        }

        foreach (var (name, value) in _options.Environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The local Functions host did not start.");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = DateTime.UtcNow + _options.StartTimeout;
        while (true)
        {
            if (process.HasExited)
            {
                // Without a timeout, WaitForExit also waits until the redirected output has all been read.
                await process.WaitForExitAsync(cancellationToken);
                throw new InvalidOperationException("The local Functions host exited: " + Output);
            }

            try
            {
                using var ready = await Client.GetAsync(new Uri(_options.ReadyPath, UriKind.Relative), cancellationToken);
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The local Functions host did not answer {_options.ReadyPath} within {_options.StartTimeout}: {Output}");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>The worker's process id, from the host's <c>/admin/host/status</c>.</summary>
    public async Task<int?> WorkerProcessIdAsync(CancellationToken cancellationToken = default)
    {
        using var response = await Client.GetAsync(new Uri("admin/host/status", UriKind.Relative), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return status.RootElement.TryGetProperty("workerProcessId", out var id) && id.ValueKind == JsonValueKind.Number ? id.GetInt32() : null;
    }

    /// <summary>Sends a signal (SIGTERM, SIGINT or SIGKILL) to the host alone and waits for it to exit.</summary>
    public void Signal(string signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        using var kill = Process.Start(new ProcessStartInfo("kill")
        {
            ArgumentList = { "-" + signal.Replace("SIG", string.Empty, StringComparison.Ordinal), process.Id.ToString(CultureInfo.InvariantCulture) },
        })!;
        kill.WaitForExit();
        process.WaitForExit(20_000);
    }

    /// <summary>Kills the host and everything it started, without letting it shut down.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        Client.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
