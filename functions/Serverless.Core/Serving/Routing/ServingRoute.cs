using Serverless.Core.Registry;

namespace Serverless.Core.Serving.Routing;

/// <summary>
/// The versions a request may go to, as resolved: <see cref="Main"/> (an explicit version, or the one the alias points
/// at), the alias's canary with its weight, its shadow, and the alias (null for an explicit version).
/// </summary>
internal sealed record ServingRoute(ModelVersionInfo Main, ModelVersionInfo? Canary = null, double CanaryWeight = 0, ModelVersionInfo? Shadow = null, string? Alias = null)
{
    /// <summary>The version that answers a request with <paramref name="routingKey"/> (null: random at the canary's weight).</summary>
    public ModelVersionInfo Pick(string? routingKey) =>
        Canary is not null && CanaryRouter.ToCanary(Main.Name, routingKey, CanaryWeight) ? Canary : Main;
}
