using Serverless.LocalRuntime;

var app = LocalRuntimeApplication.Build(args);
try
{
    await LocalRuntimeApplication.StartAsync(app);
}
catch (Exception ex)
{
    await Console.Error.WriteLineAsync("The local Functions host could not start: " + ex.Message);
    return 1;
}

await app.WaitForShutdownAsync();
return 0;
