using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Serverless.Testing;

/// <summary>The local Functions host as its own process (with its worker), so that a test can kill it as a crash would.</summary>
public sealed class RuntimeProcess : IAsyncDisposable
{
    private readonly RuntimeSettings _settings;
    private readonly int _port;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private RuntimeProcess(RuntimeSettings settings)
    {
        _settings = settings;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>A client for the runtime's address.</summary>
    public HttpClient Client { get; }

    /// <summary>What the process printed so far, for failure messages.</summary>
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

    /// <summary>Starts the runtime with <paramref name="settings"/> and waits until it answers.</summary>
    public static async Task<RuntimeProcess> StartAsync(RuntimeSettings settings)
    {
        var runtime = new RuntimeProcess(settings);
        await runtime.StartAgainAsync();
        return runtime;
    }

    /// <summary>Starts the runtime again, with the same settings and port, after <see cref="Kill"/>.</summary>
    public async Task StartAgainAsync()
    {
        string dll = Path.Combine(RepositoryPaths.OutputOf("tools/Serverless.LocalRuntime"), "Serverless.LocalRuntime.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--urls", $"http://127.0.0.1:{_port.ToString(CultureInfo.InvariantCulture)}", "--settings", _settings.Path, "--script-root", InProcessRuntime.ScriptRoot },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("The local runtime did not start.");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Eventually.GetAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("The local runtime exited: " + Output);
            }

            var response = await Client.GetAsync(new Uri("v2/health/live", UriKind.Relative));
            return response.IsSuccessStatusCode ? (object)true : null;
        }, TimeSpan.FromSeconds(60), "the local runtime to answer");
    }

    /// <summary>The host's process id, while it runs.</summary>
    public int? ProcessId => _process is { HasExited: false } process ? process.Id : null;

    /// <summary>Kills the process and everything it started, without letting it shut down.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    /// <summary>Sends a signal (SIGTERM, SIGINT or SIGKILL) to the host process alone, as a terminal or an orchestrator would.</summary>
    public void Signal(string signal)
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal.Replace("SIG", string.Empty, StringComparison.Ordinal), process.Id.ToString(CultureInfo.InvariantCulture) } })!;
        kill.WaitForExit();
        process.WaitForExit(20_000);
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
