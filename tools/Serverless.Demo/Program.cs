using Serverless.Demo;
using Serverless.Demo.Traffic;

// Usage: Serverless.Demo [--url http://localhost:7071] [--key FUNCTION_KEY] [--token BEARER_TOKEN]
//        Serverless.Demo tokens [--settings local.settings.json] [--out .tokens] | tokens --role ROLE [--subject NAME]
//        Serverless.Demo traffic [--url URL] [--key FUNCTION_KEY] [--model NAME] [--seconds N] [--rate N] [--shift SHIFT] [--shift-after SECONDS] [--feedback SHARE] [--seed N]
const string SetupUsage = "Serverless.Demo [--url URL] [--key FUNCTION_KEY] [--token BEARER_TOKEN]";
if (args.Length > 0 && args[0] == "tokens")
{
    return DevTokenCommand.Run(args[1..], Console.Out, Console.Error);
}

bool traffic = args.Length > 0 && args[0] == "traffic";
string usage = traffic ? TrafficOptions.Usage : SetupUsage;
string url = "http://localhost:7071";
string? key = null;
string? token = null;
TrafficOptions trafficOptions = TrafficOptions.Default;
for (int i = traffic ? 1 : 0; i < args.Length; i += 2)
{
    if (i + 1 >= args.Length)
    {
        Console.Error.WriteLine($"Option {args[i]} needs a value. Usage: {usage}");
        return 2;
    }

    try
    {
        switch (args[i])
        {
            case "--url": url = args[i + 1]; break;
            case "--key": key = args[i + 1]; break;
            case "--token": token = args[i + 1]; break;
            default:
                if (!traffic || !TrafficOptions.TryApply(ref trafficOptions, args[i], args[i + 1]))
                {
                    Console.Error.WriteLine($"Unknown option {args[i]}. Usage: {usage}");
                    return 2;
                }

                break;
        }
    }
    catch (FormatException ex)
    {
        Console.Error.WriteLine(ex.Message);
        return 2;
    }
}

using var client = new HttpClient { BaseAddress = new Uri(url.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(60) };
if (!string.IsNullOrEmpty(key))
{
    client.DefaultRequestHeaders.Add("x-functions-key", key);
}

if (!string.IsNullOrEmpty(token))
{
    client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
}

if (traffic)
{
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        stop.Cancel();
    };
    var totals = await new TrafficGenerator(client, Console.Out).RunAsync(trafficOptions, stop.Token);
    return totals.Sent > 0 && totals.Errors == totals.Sent ? 1 : 0;
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
