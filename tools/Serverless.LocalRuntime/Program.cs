using Microsoft.Extensions.Hosting;
using Serverless.LocalRuntime;

WebApplication app;
try
{
    app = LocalRuntimeApplication.Build(args);
}
catch (Exception ex) when (ex is IOException or InvalidOperationException or FormatException or System.Text.Json.JsonException)
{
    // A missing or malformed host.json or settings file: what to fix, not a stack trace.
    await Console.Error.WriteLineAsync("The local Functions host could not start: " + ex.Message);
    return 1;
}

var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
try
{
    // Ctrl-C or SIGTERM while the worker is still loading stops start-up too: the lifetime only asks the host to stop,
    // and nothing would stop it before start-up had finished.
    await LocalRuntimeApplication.StartAsync(app, stopping);
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
    return 0;
}
catch (Exception ex)
{
    await Console.Error.WriteLineAsync("The local Functions host could not start: " + ex.Message);
    return 1;
}

await app.WaitForShutdownAsync();
return 0;
