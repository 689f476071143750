using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Serverless.Core.Governance;

namespace Serverless.Functions.Identity;

/// <summary>
/// Where the caller, validated from the bearer token by the authorization middleware, travels with an invocation: the
/// same <see cref="Actor"/> under <see cref="ItemKey"/> in the <see cref="FunctionContext"/>'s items and in the
/// request's <see cref="HttpContext"/> items (function code holds the request; middleware holds the function context).
/// </summary>
public static class CallerContext
{
    /// <summary>The key of the caller's <see cref="Actor"/> in <see cref="FunctionContext.Items"/> and <see cref="HttpContext.Items"/>.</summary>
    public const string ItemKey = "serverless.actor";

    /// <summary>The validated caller of this invocation, or null (a public endpoint called without a token, a non-HTTP trigger).</summary>
    public static Actor? Get(FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(ItemKey, out var value) ? value as Actor : null;
    }

    /// <summary>The validated caller of the request, or null (a public endpoint called without a token).</summary>
    public static Actor? Get(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.HttpContext.Items.TryGetValue(ItemKey, out var value) ? value as Actor : null;
    }

    /// <summary>Records <paramref name="actor"/> as the caller of the invocation (and of its HTTP request, when it has one).</summary>
    public static void Set(FunctionContext context, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(actor);
        context.Items[ItemKey] = actor;
        if (context.GetHttpContext() is { } http)
        {
            http.Items[ItemKey] = actor;
        }
    }
}
