using Microsoft.Extensions.Hosting;
using Serverless.LocalRuntime;

var app = LocalRuntimeApplication.Build(args);
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
