namespace Serverless.LocalRuntime.Timers;

/// <summary>A timer's schedule status as the Functions host keeps it in storage (and hands the function as TimerInfo).</summary>
internal sealed record ScheduleStatus(DateTime Last, DateTime Next, DateTime LastUpdated);
