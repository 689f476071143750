namespace Serverless.LocalRuntime.Worker;

/// <summary>The binding type names of function.json that this host serves.</summary>
internal static class BindingTypes
{
    public const string HttpTrigger = "httpTrigger";
    public const string QueueTrigger = "queueTrigger";
    public const string TimerTrigger = "timerTrigger";
    public const string OrchestrationTrigger = "orchestrationTrigger";
    public const string ActivityTrigger = "activityTrigger";
    public const string DurableClient = "durableClient";
    public const string Http = "http";
    public const string Queue = "queue";
    public const string Blob = "blob";
}
