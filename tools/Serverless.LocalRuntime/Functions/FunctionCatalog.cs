using System.ComponentModel;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Serverless.LocalRuntime.Functions;

/// <summary>
/// Every <c>[Function]</c> method of the app assembly. Anything the local runtime cannot bind fails here, at start-up,
/// naming the function and parameter, rather than at the first invocation.
/// </summary>
internal sealed class FunctionCatalog
{
    private readonly Dictionary<string, FunctionDescriptor> _byName;

    public FunctionCatalog(Assembly appAssembly)
        : this(appAssembly.GetTypes())
    {
    }

    public FunctionCatalog(IEnumerable<Type> types)
    {
        var functions = new List<FunctionDescriptor>();
        foreach (var type in types)
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is { } function)
                {
                    functions.Add(Describe(function.Name, method));
                }
            }
        }

        var duplicate = functions.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Function name '{duplicate.Key}' is used by more than one method.");
        }

        Functions = functions.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        _byName = Functions.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<FunctionDescriptor> Functions { get; }

    public IEnumerable<FunctionDescriptor> OfKind(TriggerKind kind) => Functions.Where(f => f.Trigger == kind);

    public FunctionDescriptor? Find(string name) => _byName.GetValueOrDefault(name);

    private static FunctionDescriptor Describe(string name, MethodInfo method)
    {
        var parameters = method.GetParameters();
        var triggers = parameters
            .Select(p => (Parameter: p, Attribute: p.GetCustomAttributes().FirstOrDefault(IsTrigger)))
            .Where(x => x.Attribute is not null)
            .ToList();
        if (triggers.Count != 1)
        {
            throw new InvalidOperationException($"Function '{name}' must have exactly one trigger parameter; it has {triggers.Count}.");
        }

        var (triggerParameter, attribute) = triggers[0];
        var descriptor = attribute switch
        {
            HttpTriggerAttribute http => new FunctionDescriptor(name, method, TriggerKind.HttpTrigger, triggerParameter, [])
            {
                AuthLevel = http.AuthLevel,
                HttpMethods = (http.Methods ?? []).Select(m => m.ToLowerInvariant()).ToList(),
                Route = http.Route ?? name,
            },
            QueueTriggerAttribute queue => new FunctionDescriptor(name, method, TriggerKind.QueueTrigger, triggerParameter, [])
            {
                QueueName = queue.QueueName,
                Connection = queue.Connection,
            },
            TimerTriggerAttribute timer => new FunctionDescriptor(name, method, TriggerKind.TimerTrigger, triggerParameter, [])
            {
                Schedule = timer.Schedule,
                RunOnStartup = timer.RunOnStartup,
            },
            OrchestrationTriggerAttribute => new FunctionDescriptor(name, method, TriggerKind.OrchestrationTrigger, triggerParameter, []),
            ActivityTriggerAttribute => new FunctionDescriptor(name, method, TriggerKind.ActivityTrigger, triggerParameter, []),
            _ => throw new InvalidOperationException($"Function '{name}' uses trigger {attribute!.GetType().Name}, which the local runtime does not serve."),
        };

        CheckTriggerType(descriptor);
        return descriptor with { Parameters = parameters.Select(p => SourceOf(descriptor, p)).ToList() };
    }

    private static bool IsTrigger(Attribute attribute) =>
        attribute is HttpTriggerAttribute or QueueTriggerAttribute or TimerTriggerAttribute or OrchestrationTriggerAttribute or ActivityTriggerAttribute;

    private static void CheckTriggerType(FunctionDescriptor function)
    {
        Type type = function.TriggerParameter.ParameterType;
        bool supported = function.Trigger switch
        {
            TriggerKind.HttpTrigger => type == typeof(HttpRequest),
            TriggerKind.TimerTrigger => type == typeof(TimerInfo),
            TriggerKind.OrchestrationTrigger => type == typeof(TaskOrchestrationContext),
            _ => true,
        };
        if (!supported)
        {
            throw new InvalidOperationException(
                $"Function '{function.Name}': a {function.Trigger} bound to {type.Name} is not served by the local runtime " +
                "(HTTP triggers take HttpRequest, timers TimerInfo, orchestrators TaskOrchestrationContext).");
        }
    }

    private static ParameterSource SourceOf(FunctionDescriptor function, ParameterInfo parameter)
    {
        if (parameter == function.TriggerParameter)
        {
            return ParameterSource.Trigger;
        }

        if (parameter.ParameterType == typeof(CancellationToken))
        {
            return ParameterSource.CancellationToken;
        }

        if (parameter.GetCustomAttribute<DurableClientAttribute>() is not null && parameter.ParameterType == typeof(DurableTaskClient))
        {
            return ParameterSource.DurableClient;
        }

        if (function.Trigger == TriggerKind.HttpTrigger &&
            TypeDescriptor.GetConverter(parameter.ParameterType).CanConvertFrom(typeof(string)) &&
            function.Route!.Contains('{' + parameter.Name, StringComparison.OrdinalIgnoreCase))
        {
            return ParameterSource.RouteValue;
        }

        throw new InvalidOperationException(
            $"Function '{function.Name}': parameter '{parameter.Name}' of type {parameter.ParameterType.Name} has no binding the local runtime serves.");
    }
}
