using Microsoft.DurableTask;
using Microsoft.DurableTask.Converters;
using Microsoft.DurableTask.Client;
using Serverless.Functions;
using Serverless.LocalRuntime.Durable;
using Serverless.LocalRuntime.Functions;
using Serverless.LocalRuntime.Hosting;
using Serverless.LocalRuntime.Http;
using Serverless.LocalRuntime.Queues;
using Serverless.LocalRuntime.Timers;

namespace Serverless.LocalRuntime;

/// <summary>Builds the local runtime: the Functions app's function classes served without the Functions host.</summary>
public static partial class LocalRuntimeApplication
{
    /// <summary>The address the Functions host uses locally, used unless <c>--urls</c> says otherwise.</summary>
    public const string DefaultUrl = "http://localhost:7071";

    /// <summary>Creates the runtime from command-line arguments; <c>--settings PATH</c> names the local settings file.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        string? settingsFile = LocalSettings.AddTo(builder.Configuration, builder.Configuration["settings"]);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var host = HostJson.Load(Path.Combine(AppContext.BaseDirectory, "host.json"), builder.Configuration);
        builder.Logging.AddConfiguration(host.Logging);
        var catalog = new FunctionCatalog(typeof(ServerlessAppServiceCollectionExtensions).Assembly);
        foreach (var timer in catalog.OfKind(TriggerKind.TimerTrigger))
        {
            TimerTriggerHost.ParseSchedule(timer, builder.Configuration);
        }

        // The same registration the Functions host's Program.cs makes, then what stands in for the host.
        builder.Services.AddServerlessApp(builder.Configuration);
        builder.Services.AddMvcCore();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Services.AddOptions<LocalRuntimeOptions>().Bind(builder.Configuration.GetSection(LocalRuntimeOptions.SectionName));
        builder.Services.AddSingleton(catalog);
        builder.Services.AddSingleton(host);
        builder.Services.AddSingleton<FunctionKeyAuthorizer>();
        builder.Services.AddSingleton<DurableTaskBackend>();
        builder.Services.AddSingleton<DurableTaskClient>(sp =>
        {
            var backend = sp.GetRequiredService<DurableTaskBackend>();
            return new LocalDurableTaskClient(backend.HubName, backend.Service, JsonDataConverter.Default);
        });
        builder.Services.AddSingleton<QueueTriggerHost>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<QueueTriggerHost>());
        builder.Services.AddSingleton<TimerTriggerHost>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TimerTriggerHost>());
        builder.Services.AddHostedService<DurableTaskWorkerHost>();

        var app = builder.Build();
        app.MapFunctions(catalog, host);

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Serverless.LocalRuntime");
        LogSettings(logger, settingsFile ?? "(none: environment only)", catalog.Functions.Count,
            app.Services.GetRequiredService<FunctionKeyAuthorizer>().Enforced ? "enforced" : "not enforced (no keys configured)");
        return app;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Local runtime: settings {SettingsFile}; {Count} functions; function keys {KeyMode}")]
    private static partial void LogSettings(ILogger logger, string settingsFile, int count, string keyMode);
}
