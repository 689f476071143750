using Serverless.Demo;

// Usage: Serverless.Demo [--url http://localhost:7071] [--key FUNCTION_KEY]
string url = "http://localhost:7071";
string? key = null;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--url": url = args[i + 1]; break;
        case "--key": key = args[i + 1]; break;
        default:
            Console.Error.WriteLine($"Unknown option {args[i]}. Usage: Serverless.Demo [--url URL] [--key FUNCTION_KEY]");
            return 2;
    }
}

using var client = new HttpClient { BaseAddress = new Uri(url.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(60) };
if (!string.IsNullOrEmpty(key))
{
    client.DefaultRequestHeaders.Add("x-functions-key", key);
}

try
{
    await new DemoSetup(client, Console.Out).RunAsync(TimeSpan.FromMinutes(3), CancellationToken.None);
    return 0;
}
catch (Exception ex) when (ex is HttpRequestException or TimeoutException or TaskCanceledException)
{
    Console.Error.WriteLine($"==> demo: could not set up the demo model: {ex.Message}");
    return 1;
}
