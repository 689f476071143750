using System.Net;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.Options;
using Serverless.LocalRuntime.Bindings;
using Serverless.LocalRuntime.Durable;
using Serverless.LocalRuntime.Hosting;
using Serverless.LocalRuntime.Http;
using Serverless.LocalRuntime.Queues;
using Serverless.LocalRuntime.Timers;
using Serverless.LocalRuntime.Worker;

namespace Serverless.LocalRuntime;

/// <summary>
/// Builds the local Functions host: Kestrel for clients (HTTP triggers, admin, durable webhooks) and, on a loopback
/// HTTP/2 port of its own, the gRPC services the worker calls (FunctionRpc and the Durable Task sidecar).
/// </summary>
public static partial class LocalRuntimeApplication
{
    /// <summary>The address the Functions host uses locally, used unless <c>--urls</c> says otherwise.</summary>
    public const string DefaultUrl = "http://localhost:7071";

    /// <summary>
    /// Creates the host from command-line arguments: <c>--settings PATH</c> (the local settings file), <c>--script-root
    /// PATH</c> (the app's build output, as Core Tools runs in it; default: the current folder) and
    /// <c>--urls</c>.
    /// </summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        string? settingsFile = LocalSettings.AddTo(builder.Configuration, builder.Configuration["settings"]);
        string scriptRoot = Path.GetFullPath(builder.Configuration["script-root"] ?? Directory.GetCurrentDirectory());
        var host = HostJson.Load(Path.Combine(scriptRoot, "host.json"), builder.Configuration);
        builder.Logging.AddConfiguration(host.Logging);
        // The host's own plumbing logs per request at Information; the app's logs are what a developer reads.
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.DurableTask.Sidecar", LogLevel.Warning);
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);

        string urls = builder.Configuration["urls"] is { Length: > 0 } configured ? configured : DefaultUrl;
        // Kestrel listens where the code below says; the setting read here would otherwise be reported as overridden.
        builder.WebHost.UseUrls();
        ListenOptions? grpcListener = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = RequestSizeLimit.Read(builder.Configuration);
            foreach (string url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                Listen(kestrel, new Uri(url.Replace("//*:", "//0.0.0.0:", StringComparison.Ordinal).Replace("//+:", "//0.0.0.0:", StringComparison.Ordinal)));
            }

            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                grpcListener = listen;
            });
        });

        var durable = new DurableTaskOptions(
            AppSettingExpressions.Resolve(host.HubName, builder.Configuration),
            host.DurableConnectionName);
        var services = builder.Services;
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
        services.AddOptions<LocalRuntimeOptions>().Bind(builder.Configuration.GetSection(LocalRuntimeOptions.SectionName));
        services.AddSingleton(host);
        services.AddSingleton(durable);
        services.AddSingleton(new HostIdentity(builder.Configuration, "serverless-functions"));
        var configuration = builder.Configuration;
        services.AddSingleton(new WorkerOptions
        {
            ScriptRoot = scriptRoot,
            AppSettings = LocalSettings.Values(settingsFile),
            IsDisabled = name => IsTrue(configuration[$"AzureWebJobs.{name}.Disabled"]) || IsTrue(configuration[$"AzureWebJobs:{name}:Disabled"]),
        });
        services.AddSingleton<HostAddresses>();
        services.AddSingleton<WorkerConnections>();
        services.AddSingleton<WorkerHost>();
        services.AddHostedService(sp => sp.GetRequiredService<WorkerHost>());
        services.AddSingleton<FunctionKeyAuthorizer>();
        services.AddSingleton<FunctionEndpointDataSource>();
        services.AddSingleton<InputBindings>();
        services.AddSingleton<OutputBindings>();
        services.AddSingleton<HttpTriggerProxy>();
        services.AddHttpForwarder();
        services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = null;
            o.MaxSendMessageSize = null;
        });

        // Durable Task: DTFx's Azure Storage backend behind the sidecar service the worker's Durable SDK talks to.
        services.AddSingleton(sp => DurableTaskBackend.Create(durable, host, builder.Configuration, sp.GetRequiredService<IOptions<LocalRuntimeOptions>>().Value, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IOrchestrationService>(sp => sp.GetRequiredService<DurableTask.AzureStorage.AzureStorageOrchestrationService>());
        services.AddSingleton<IOrchestrationServiceClient>(sp => sp.GetRequiredService<DurableTask.AzureStorage.AzureStorageOrchestrationService>());
        services.Configure<TaskHubGrpcServerOptions>(o => o.Mode = TaskHubGrpcServerMode.ApiServerAndDispatcher);
        services.AddSingleton<SidecarLifetime>();
        services.AddSingleton(sp => new TaskHubGrpcServer(
            sp.GetRequiredService<SidecarLifetime>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<IOrchestrationService>(),
            sp.GetRequiredService<IOrchestrationServiceClient>(),
            sp.GetRequiredService<IOptions<TaskHubGrpcServerOptions>>()));
        services.AddSingleton<DurableTaskClient>(sp => new GrpcDurableTaskClient(
            durable.HubName,
            new GrpcDurableTaskClientOptions { Channel = GrpcChannel.ForAddress(sp.GetRequiredService<HostAddresses>().Grpc) },
            sp.GetRequiredService<ILogger<GrpcDurableTaskClient>>()));
        services.AddHostedService<DurableWorkItemForwarder>();

        services.AddSingleton<QueueTriggerListener>();
        services.AddHostedService(sp => sp.GetRequiredService<QueueTriggerListener>());
        services.AddSingleton<TimerTriggerScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<TimerTriggerScheduler>());

        var app = builder.Build();
        var addresses = app.Services.GetRequiredService<HostAddresses>();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var grpc = new Uri($"http://127.0.0.1:{grpcListener!.IPEndPoint!.Port}");
            string publicAddress = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
                .First(a => new Uri(a).Port != grpc.Port);
            addresses.Set(new Uri(publicAddress.Replace("//[::]", "//localhost", StringComparison.Ordinal).Replace("//0.0.0.0", "//localhost", StringComparison.Ordinal)), grpc);
        });

        // The sidecar must exist before its lifetime says started: it starts its dispatchers then.
        _ = app.Services.GetRequiredService<TaskHubGrpcServer>();
        var endpoints = app.Services.GetRequiredService<FunctionEndpointDataSource>();
        var proxy = app.Services.GetRequiredService<HttpTriggerProxy>();
        app.Services.GetRequiredService<WorkerHost>().OnLoaded = functions =>
        {
            foreach (var timer in functions.Where(f => f.Is(BindingTypes.TimerTrigger)))
            {
                TimerTriggerScheduler.ParseSchedule(timer, app.Configuration);
            }

            endpoints.Set(FunctionEndpointDataSource.Build(functions, host.RoutePrefix, proxy.Handler));
        };

        app.Use(RequestSizeLimit.EnforceAsync);
        app.UseRouting();
        app.MapGrpcService<FunctionRpcService>();
        app.MapGrpcService<TaskHubGrpcServer>();
        AdminEndpoints.Map(app);
        DurableHttpApi.Map(app);
        ((IEndpointRouteBuilder)app).DataSources.Add(endpoints);
        app.MapFallback("{*path}", context => context.RequestServices.GetRequiredService<WorkerHost>().Ready.IsCompletedSuccessfully
            ? JsonErrors.WriteAsync(context, StatusCodes.Status404NotFound, $"No function serves {context.Request.Method} {context.Request.Path}.")
            : JsonErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "The worker process is starting; try again shortly."));

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Serverless.LocalRuntime");
        LogSettings(logger, settingsFile ?? "(none: environment only)", scriptRoot,
            app.Services.GetRequiredService<FunctionKeyAuthorizer>().Enforced ? "enforced" : "not enforced (no keys configured)");
        return app;
    }

    /// <summary>Starts the host and waits until the worker has loaded its functions; throws when it cannot.</summary>
    public static async Task StartAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        await app.StartAsync(cancellationToken);
        try
        {
            await app.Services.GetRequiredService<WorkerHost>().Ready.WaitAsync(cancellationToken);
        }
        catch
        {
            await app.StopAsync(CancellationToken.None);
            throw;
        }
    }

    /// <summary>The loopback address of the host's gRPC services (the worker's side), once it listens.</summary>
    public static Uri GrpcAddress(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<HostAddresses>().Grpc;
    }

    private static bool IsTrue(string? setting) =>
        bool.TryParse(setting, out bool value) ? value : setting == "1";

    private static void Listen(KestrelServerOptions kestrel, Uri url)
    {
        if (string.Equals(url.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(url.Port);
        }
        else if (url.Host is "0.0.0.0" or "[::]")
        {
            kestrel.ListenAnyIP(url.Port);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(url.Host.Trim('[', ']')), url.Port);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Local Functions host: settings {SettingsFile}; app {ScriptRoot}; function keys {KeyMode}")]
    private static partial void LogSettings(ILogger logger, string settingsFile, string scriptRoot, string keyMode);
}
