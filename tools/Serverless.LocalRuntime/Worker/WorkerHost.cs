using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;

namespace Serverless.LocalRuntime.Worker;

/// <summary>
/// Launches the worker process, initialises it over the channel (init, metadata, load), and keeps one running: a
/// worker that exits unexpectedly is started again; on shutdown it is asked to terminate, then killed if it lingers.
/// </summary>
internal sealed partial class WorkerHost(
    WorkerOptions options,
    Bindings.HostAddresses addresses,
    WorkerConnections connections,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggers,
    ILogger<WorkerHost> logger) : BackgroundService
{
    private const string SetPriv = "/usr/bin/setpriv";
    private static readonly string HostVersion = typeof(WorkerHost).Assembly.GetName().Version?.ToString() ?? "4.0.0";
    private readonly TaskCompletionSource<IReadOnlyList<WorkerFunction>> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile WorkerChannel? _channel;
    private volatile Dictionary<string, WorkerFunction> _current = [];
    private Process? _process;

    /// <summary>
    /// Checks and publishes a worker's functions before it counts as ready (routes, schedules); an
    /// <see cref="UnsupportedBindingException"/> from it stops start-up.
    /// </summary>
    public Action<IReadOnlyList<WorkerFunction>>? OnLoaded { get; set; }

    /// <summary>The functions of the first worker, once it has loaded them; faults when start-up fails.</summary>
    public Task<IReadOnlyList<WorkerFunction>> Ready => _ready.Task;

    /// <summary>The worker's own HTTP address (ASP.NET Core integration), once it has started.</summary>
    public Uri? HttpUri { get; private set; }

    /// <summary>The capabilities the current worker declared in its init response.</summary>
    public IReadOnlyDictionary<string, string> Capabilities { get; private set; } = new Dictionary<string, string>();

    /// <summary>The process id of the current worker, if one runs.</summary>
    public int? ProcessId
    {
        get
        {
            try
            {
                return _process is { HasExited: false } p ? p.Id : null;
            }
            catch (InvalidOperationException)
            {
                // Read while a crashed worker's process object is disposed and replaced: there is no worker this instant.
                return null;
            }
        }
    }

    /// <summary>The connected worker's channel.</summary>
    public WorkerChannel Channel => _channel is { Closed.IsCompleted: false } channel
        ? channel
        : throw new WorkerUnavailableException("The worker process is not running; it is being restarted.");

    /// <summary>The worker's functions once it is ready; null when start-up failed or the host is stopping.</summary>
    public async Task<IReadOnlyList<WorkerFunction>?> FunctionsAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await Ready.WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException || Ready.IsFaulted)
        {
            return null;
        }
    }

    /// <summary>
    /// Sends an invocation of <paramref name="function"/> to the current worker, under the id that worker gave it (a
    /// restarted worker reports its functions afresh).
    /// </summary>
    public Task<InvocationResponse> InvokeAsync(WorkerFunction function, InvocationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(request);
        request.FunctionId = _current.TryGetValue(function.Name, out var current) ? current.Id : function.Id;
        return Channel.InvokeAsync(request, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The gRPC endpoint must listen, and its address be known, before a worker can connect.
        await addresses.Listening.WaitAsync(stoppingToken);
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var started = Stopwatch.StartNew();
                var functions = await StartWorkerAsync(stoppingToken);
                _ready.TrySetResult(functions);
                // A worker whose stream broke lives on without serving (it does not exit by itself): replace it too.
                await Task.WhenAny(_process!.WaitForExitAsync(stoppingToken), _channel!.Closed);
                stoppingToken.ThrowIfCancellationRequested();
                KillWorker();
                LogWorkerExited(logger, _process.HasExited ? _process.ExitCode : -1);
                delay = started.Elapsed > TimeSpan.FromMinutes(1) ? TimeSpan.FromSeconds(1) : TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogStartFailed(logger, ex);
                KillWorker();
                if (!_ready.Task.IsCompleted)
                {
                    // A worker that cannot start the first time is a build or settings problem: say so and stop.
                    _ready.TrySetException(ex);
                    lifetime.StopApplication();
                    return;
                }
            }

            await Task.Delay(delay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            if (!stoppingToken.IsCancellationRequested)
            {
                LogRestarting(logger);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_channel is { Closed.IsCompleted: false } channel && _process is { HasExited: false } process)
        {
            channel.Terminate(options.ShutdownGracePeriod);
            using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            grace.CancelAfter(options.ShutdownGracePeriod + TimeSpan.FromSeconds(1));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                LogKilledAtShutdown(logger);
            }
        }

        KillWorker();
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        KillWorker();
        _process?.Dispose();
        base.Dispose();
    }

    private async Task<IReadOnlyList<WorkerFunction>> StartWorkerAsync(CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(options.StartTimeout);
        string workerId = Guid.NewGuid().ToString();
        var channel = new WorkerChannel(workerId, loggers);
        var connected = connections.Expect(channel);
        try
        {
            _process?.Dispose();
            _process = Launch(workerId);
            var pump = Task.Run(() => ForwardOutputAsync(_process), CancellationToken.None);
            await connected.WaitAsync(timeout.Token);
        }
        catch
        {
            connections.Forget(workerId);
            throw;
        }

        var init = await channel.InitAsync(
            new WorkerInitRequest
            {
                HostVersion = HostVersion,
                WorkerDirectory = options.ScriptRoot,
                FunctionAppDirectory = options.ScriptRoot,
                Capabilities = { ["HandlesInvocationCancelMessage"] = "true" },
            },
            timeout.Token);
        if (init.Result.Status != StatusResult.Types.Status.Success)
        {
            throw new InvalidOperationException("The worker failed to initialise: " + init.Result.Exception?.Message);
        }

        Capabilities = init.Capabilities.ToDictionary();
        HttpUri = init.Capabilities.TryGetValue("HttpUri", out string? httpUri) ? new Uri(httpUri) : null;
        var metadata = await channel.GetMetadataAsync(options.ScriptRoot, timeout.Token);
        if (metadata.Result.Status != StatusResult.Types.Status.Success)
        {
            throw new InvalidOperationException("The worker could not index its functions: " + metadata.Result.Exception?.Message);
        }

        var functions = new List<WorkerFunction>();
        foreach (var function in metadata.FunctionMetadataResults.Select(WorkerFunction.From))
        {
            if (options.IsDisabled(function.Name))
            {
                LogFunctionDisabled(logger, function.Name);
                continue;
            }

            functions.Add(function);
        }

        OnLoaded?.Invoke(functions);
        foreach (var function in functions)
        {
            await channel.LoadAsync(function.Metadata, timeout.Token);
        }

        // The worker declares its HTTP address before its Kestrel listens: a request forwarded at once would be refused.
        if (HttpUri is not null)
        {
            await WaitUntilListeningAsync(HttpUri, timeout.Token);
        }

        _current = functions.ToDictionary(f => f.Name, StringComparer.Ordinal);
        _channel = channel;
        LogWorkerReady(logger, _process!.Id, functions.Count, HttpUri);
        return functions;
    }

    private Process Launch(string workerId)
    {
        string assembly = Path.Combine(options.ScriptRoot, WorkerAssemblyName(options.ScriptRoot) + ".dll");
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"The worker {assembly} is not there. Build the Functions app first.", assembly);
        }

        var grpc = addresses.Grpc;
        string uri = grpc.ToString();
        string requestId = Guid.NewGuid().ToString();
        // The worker does not exit when its gRPC stream breaks, so a host killed outright (SIGKILL, OOM) would leave it
        // running. On Linux the worker is started with a parent-death signal (util-linux setpriv), so the kernel ends it
        // with the host; elsewhere it is ended at every orderly shutdown.
        bool deathSignal = OperatingSystem.IsLinux() && File.Exists(SetPriv);
        var start = new ProcessStartInfo(deathSignal ? SetPriv : "dotnet")
        {
            WorkingDirectory = options.ScriptRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (deathSignal)
        {
            foreach (string argument in (string[])["--pdeathsig", "SIGKILL", "--", "dotnet"])
            {
                start.ArgumentList.Add(argument);
            }
        }

        start.ArgumentList.Add(assembly);
        foreach (string argument in (string[])[
            "--host", grpc.Host, "--port", grpc.Port.ToString(CultureInfo.InvariantCulture),
            "--workerId", workerId, "--requestId", requestId, "--grpcMaxMessageLength", int.MaxValue.ToString(CultureInfo.InvariantCulture),
            "--functions-uri", uri, "--functions-worker-id", workerId, "--functions-request-id", requestId,
            "--functions-grpc-max-message-length", int.MaxValue.ToString(CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(argument);
        }

        // As under Core Tools, a variable already in the environment wins over local.settings.json.
        foreach (var (name, value) in options.AppSettings)
        {
            if (Environment.GetEnvironmentVariable(name) is null)
            {
                start.Environment[name] = value;
            }
        }

        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        start.Environment["FUNCTIONS_WORKER_DIRECTORY"] = options.ScriptRoot;
        start.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = options.ScriptRoot;
        start.Environment["AzureWebJobsScriptRoot"] = options.ScriptRoot;
        // The parent-death signal follows the thread that started the process: a thread-pool thread may end while the
        // worker runs, so the worker is started from a thread that lives exactly as long as the worker.
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        var keeper = new Thread(() =>
        {
            Process process;
            try
            {
                process = Process.Start(start) ?? throw new InvalidOperationException("The worker process did not start.");
            }
            catch (Exception ex)
            {
                started.TrySetException(ex);
                return;
            }

            started.TrySetResult(process);
            process.WaitForExit();
        })
        {
            IsBackground = true,
            Name = "worker-process " + workerId,
        };
        keeper.Start();
        var worker = started.Task.GetAwaiter().GetResult();
        LogLaunched(logger, worker.Id, workerId);
        return worker;
    }

    /// <summary>The worker assembly's name: the <c>.deps.json</c> that is not a test host's (the SDK writes one per app).</summary>
    private static string WorkerAssemblyName(string scriptRoot)
    {
        string metadata = Path.Combine(scriptRoot, "functions.metadata");
        if (File.Exists(metadata))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(metadata));
            foreach (var function in document.RootElement.EnumerateArray())
            {
                if (function.TryGetProperty("scriptFile", out var scriptFile) && scriptFile.GetString() is { Length: > 0 } file)
                {
                    return Path.GetFileNameWithoutExtension(file);
                }
            }
        }

        throw new FileNotFoundException($"No functions.metadata with a scriptFile in {scriptRoot}: is it the Functions app's build output?", metadata);
    }

    private async Task ForwardOutputAsync(Process process)
    {
        var console = loggers.CreateLogger("Worker.Console");
        async Task PumpAsync(StreamReader reader, LogLevel level)
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                LogConsole(console, level, line);
            }
        }

        await Task.WhenAll(PumpAsync(process.StandardOutput, LogLevel.Information), PumpAsync(process.StandardError, LogLevel.Warning));
    }

    private static async Task WaitUntilListeningAsync(Uri address, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(address.Host, address.Port, cancellationToken);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }

    private void KillWorker()
    {
        try
        {
            if (_process is { HasExited: false } process)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker process {ProcessId} started (worker id {WorkerId})")]
    private static partial void LogLaunched(ILogger logger, int processId, string workerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker process {ProcessId} ready: {Count} functions; its HTTP address {HttpUri}")]
    private static partial void LogWorkerReady(ILogger logger, int processId, int count, Uri? httpUri);

    [LoggerMessage(Level = LogLevel.Information, Message = "Function {Function} is disabled by its AzureWebJobs.<name>.Disabled setting: no trigger starts it")]
    private static partial void LogFunctionDisabled(ILogger logger, string function);

    [LoggerMessage(Level = LogLevel.Error, Message = "Worker process exited unexpectedly with code {ExitCode}")]
    private static partial void LogWorkerExited(ILogger logger, int exitCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restarting the worker process")]
    private static partial void LogRestarting(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "The worker failed to start")]
    private static partial void LogStartFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The worker did not exit within its grace period; killed")]
    private static partial void LogKilledAtShutdown(ILogger logger);

    [LoggerMessage(Message = "{Line}")]
    private static partial void LogConsole(ILogger logger, LogLevel level, string line);
}
