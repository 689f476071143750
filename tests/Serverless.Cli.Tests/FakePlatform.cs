using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Serverless.Cli.Tests;

/// <summary>
/// A real HTTP server on a free loopback port (Kestrel) that answers canned JSON in the API's shapes and records every
/// request, so the tests see exactly what the CLI sends over the wire.
/// </summary>
internal sealed class FakePlatform : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(int Status, string Body)>> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private FakePlatform(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public static async Task<FakePlatform> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var platform = new FakePlatform(builder.Build());
        platform._app.Run(platform.AnswerAsync);
        await platform._app.StartAsync();
        string address = platform._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        platform.Url = new Uri(address);
        return platform;
    }

    /// <summary>Answers <paramref name="method"/> <paramref name="pathAndQuery"/> with the bodies in turn; the last one repeats.</summary>
    public void On(string method, string pathAndQuery, int status, params string[] bodies) =>
        _answers[$"{method} {pathAndQuery}"] = new ConcurrentQueue<(int, string)>(bodies.Select(b => (status, b)));

    /// <summary>Answers with a sequence of statuses and bodies in turn; the last one repeats.</summary>
    public void OnSequence(string method, string pathAndQuery, params (int Status, string Body)[] answers) =>
        _answers[$"{method} {pathAndQuery}"] = new ConcurrentQueue<(int, string)>(answers);

    public IReadOnlyList<RecordedRequest> RequestsTo(string method, string pathAndQuery) =>
        [.. Requests.Where(r => r.Method == method && r.PathAndQuery == pathAndQuery)];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        using var reader = new StreamReader(request.Body);
        string body = await reader.ReadToEndAsync();
        string pathAndQuery = request.Path.Value + request.QueryString.Value;
        _requests.Enqueue(new RecordedRequest(
            request.Method,
            pathAndQuery,
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            request.ContentType,
            body));

        (int status, string answer) = (404, $$"""{"error": "the fake platform has no answer for {{request.Method}} {{pathAndQuery}}"}""");
        if (_answers.TryGetValue($"{request.Method} {pathAndQuery}", out var queue))
        {
            if (queue.Count > 1 && queue.TryDequeue(out var next))
            {
                (status, answer) = next;
            }
            else if (queue.TryPeek(out var last))
            {
                (status, answer) = last;
            }
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer);
    }
}
