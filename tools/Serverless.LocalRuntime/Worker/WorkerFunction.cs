using Microsoft.Azure.Functions.Worker.Grpc.Messages;

namespace Serverless.LocalRuntime.Worker;

/// <summary>A function the worker reported in its metadata, with its bindings checked against what this host serves.</summary>
internal sealed class WorkerFunction
{
    /// <summary>Binding types this host serves, by direction. Anything else stops start-up.</summary>
    private static readonly HashSet<string> SupportedTriggers = new(StringComparer.OrdinalIgnoreCase)
    {
        BindingTypes.HttpTrigger, BindingTypes.QueueTrigger, BindingTypes.TimerTrigger, BindingTypes.OrchestrationTrigger, BindingTypes.ActivityTrigger,
    };

    private static readonly HashSet<string> SupportedInputs = new(StringComparer.OrdinalIgnoreCase) { BindingTypes.DurableClient };

    private static readonly HashSet<string> SupportedOutputs = new(StringComparer.OrdinalIgnoreCase) { BindingTypes.Http, BindingTypes.Queue, BindingTypes.Blob };

    private WorkerFunction(RpcFunctionMetadata metadata, IReadOnlyList<FunctionBinding> bindings, FunctionBinding trigger)
    {
        Metadata = metadata;
        Bindings = bindings;
        Trigger = trigger;
    }

    public string Id => Metadata.FunctionId;

    public string Name => Metadata.Name;

    public RpcFunctionMetadata Metadata { get; }

    public IReadOnlyList<FunctionBinding> Bindings { get; }

    public FunctionBinding Trigger { get; }

    public IEnumerable<FunctionBinding> Inputs => Bindings.Where(b => !b.IsOutput && !b.IsTrigger);

    public IEnumerable<FunctionBinding> Outputs => Bindings.Where(b => b.IsOutput);

    /// <summary>Reads a function's metadata; throws naming the function and binding when this host cannot serve it.</summary>
    public static WorkerFunction From(RpcFunctionMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var bindings = metadata.RawBindings.Select(FunctionBinding.Parse).ToList();
        var triggers = bindings.Where(b => b.IsTrigger && !b.IsOutput).ToList();
        if (triggers.Count != 1)
        {
            throw new UnsupportedBindingException($"Function '{metadata.Name}' has {triggers.Count} triggers; a function needs exactly one.");
        }

        foreach (var binding in bindings)
        {
            var supported = binding.IsOutput ? SupportedOutputs : binding.IsTrigger ? SupportedTriggers : SupportedInputs;
            if (!supported.Contains(binding.Type))
            {
                throw new UnsupportedBindingException(
                    $"Function '{metadata.Name}' uses the {(binding.IsOutput ? "output" : "input")} binding '{binding.Name}' of type " +
                    $"'{binding.Type}', which the local runtime does not serve. It serves triggers {string.Join(", ", SupportedTriggers)}; " +
                    $"inputs {string.Join(", ", SupportedInputs)}; outputs {string.Join(", ", SupportedOutputs)}.");
            }
        }

        return new WorkerFunction(metadata, bindings, triggers[0]);
    }

    /// <summary>A new invocation of this function with <paramref name="trigger"/> as its trigger's value.</summary>
    public InvocationRequest CreateInvocation(TypedData trigger)
    {
        var request = new InvocationRequest { InvocationId = Guid.NewGuid().ToString(), FunctionId = Id };
        request.InputData.Add(new ParameterBinding { Name = Trigger.Name, Data = trigger });
        return request;
    }

    public bool Is(string triggerType) => string.Equals(Trigger.Type, triggerType, StringComparison.OrdinalIgnoreCase);
}
