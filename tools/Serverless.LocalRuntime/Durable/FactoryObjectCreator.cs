using DurableTask.Core;

namespace Serverless.LocalRuntime.Durable;

/// <summary>Gives the Durable Task Framework a new orchestration or activity object for each execution.</summary>
internal sealed class FactoryObjectCreator<T> : ObjectCreator<T>
{
    private readonly Func<T> _create;

    public FactoryObjectCreator(string name, Func<T> create)
    {
        Name = name;
        Version = string.Empty;
        _create = create;
    }

    public override T Create() => _create();
}
