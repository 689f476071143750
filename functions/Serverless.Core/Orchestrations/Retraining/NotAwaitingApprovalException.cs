namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>The retraining is not waiting for a decision (it has not reached approval, or it ended). An HTTP edge answers it with 409.</summary>
public sealed class NotAwaitingApprovalException(string message) : InvalidOperationException(message);
