namespace Serverless.LocalRuntime.Functions;

/// <summary>Where the value of one function parameter comes from.</summary>
internal enum ParameterSource
{
    Trigger,
    CancellationToken,
    DurableClient,
    RouteValue,
}
