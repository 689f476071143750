namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>
/// The caller may not decide on this candidate: they started the retraining, or nobody is signed in. An HTTP edge
/// answers it with 403.
/// </summary>
public sealed class ApprovalRefusedException(string message) : UnauthorizedAccessException(message);
