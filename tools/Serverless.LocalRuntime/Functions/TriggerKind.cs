namespace Serverless.LocalRuntime.Functions;

/// <summary>The trigger kinds the local runtime serves, named as <c>functions.metadata</c> names them.</summary>
internal enum TriggerKind
{
    HttpTrigger,
    QueueTrigger,
    TimerTrigger,
    OrchestrationTrigger,
    ActivityTrigger,
}
