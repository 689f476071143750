using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Primitives;
using Serverless.LocalRuntime.Worker;

namespace Serverless.LocalRuntime.Http;

/// <summary>
/// The HTTP functions as ASP.NET Core endpoints, added once the worker has reported them, so that ASP.NET Core's
/// routing orders them (literal segments ahead of parameters, catch-alls last) as it does in the Functions host.
/// </summary>
internal sealed class FunctionEndpointDataSource : EndpointDataSource, IDisposable
{
    /// <summary>Path prefixes the host keeps for itself; an app route there could hide them (as on the real host).</summary>
    public static readonly string[] ReservedPrefixes = ["admin", "runtime"];

    private IReadOnlyList<Endpoint> _endpoints = [];
    private CancellationTokenSource _changed = new();

    public override IReadOnlyList<Endpoint> Endpoints => _endpoints;

    public override IChangeToken GetChangeToken() => new CancellationChangeToken(_changed.Token);

    /// <summary>Builds the endpoints; throws naming the function when a route is not valid or takes a reserved path.</summary>
    public static IReadOnlyList<Endpoint> Build(IEnumerable<WorkerFunction> functions, string routePrefix, Func<WorkerFunction, RequestDelegate> handler)
    {
        var endpoints = new List<Endpoint>();
        foreach (var function in functions.Where(f => f.Is(BindingTypes.HttpTrigger)))
        {
            string route = string.Join('/', new[] { routePrefix.Trim('/'), (function.Trigger.GetString("route") ?? function.Name).Trim('/') }.Where(s => s.Length > 0));
            string first = route.Split('/')[0];
            if (ReservedPrefixes.Any(p => string.Equals(first, p, StringComparison.OrdinalIgnoreCase)))
            {
                throw new UnsupportedBindingException($"Function '{function.Name}' has route '{route}', which is reserved for the host's own endpoints (/{first}/...).");
            }

            RoutePattern pattern;
            try
            {
                pattern = RoutePatternFactory.Parse(route);
            }
            catch (RoutePatternException ex)
            {
                throw new UnsupportedBindingException($"Function '{function.Name}' has route '{route}', which is not a valid route template: {ex.Message}", ex);
            }

            var methods = function.Trigger.GetStrings("methods").Select(m => m.ToUpperInvariant()).ToList();
            var builder = new RouteEndpointBuilder(handler(function), pattern, order: 0) { DisplayName = function.Name };
            if (methods.Count > 0)
            {
                builder.Metadata.Add(new HttpMethodMetadata(methods));
            }

            endpoints.Add(builder.Build());
        }

        return endpoints;
    }

    public void Dispose() => _changed.Dispose();

    public void Set(IReadOnlyList<Endpoint> endpoints)
    {
        var previous = _changed;
        _endpoints = endpoints;
        _changed = new CancellationTokenSource();
        // Not disposed: a reader may still be taking its token.
        previous.Cancel();
    }
}
