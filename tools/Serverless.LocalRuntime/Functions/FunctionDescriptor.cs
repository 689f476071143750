using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace Serverless.LocalRuntime.Functions;

/// <summary>One <c>[Function]</c> method and its trigger, read from its attributes as the Functions SDK reads them.</summary>
internal sealed record FunctionDescriptor(
    string Name,
    MethodInfo Method,
    TriggerKind Trigger,
    ParameterInfo TriggerParameter,
    IReadOnlyList<ParameterSource> Parameters)
{
    public AuthorizationLevel AuthLevel { get; init; } = AuthorizationLevel.Function;

    /// <summary>Lower-case HTTP methods; empty means every method.</summary>
    public IReadOnlyList<string> HttpMethods { get; init; } = [];

    public string? Route { get; init; }

    public string? QueueName { get; init; }

    public string? Connection { get; init; }

    public string? Schedule { get; init; }

    public bool RunOnStartup { get; init; }

    public string EntryPoint => $"{Method.DeclaringType!.FullName}.{Method.Name}";

    /// <summary>The method's parameters, read once.</summary>
    public ParameterInfo[] MethodParameters { get; } = Method.GetParameters();

    /// <summary>Creates the function class's instance from a service provider, as compiled once by ActivatorUtilities.</summary>
    public ObjectFactory? InstanceFactory { get; } = Method.IsStatic ? null : ActivatorUtilities.CreateFactory(Method.DeclaringType!, Type.EmptyTypes);
}
