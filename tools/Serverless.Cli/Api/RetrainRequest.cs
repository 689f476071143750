namespace Serverless.Cli.Api;

/// <summary>The body of <c>POST /models/{name}/retrain</c>; null members are left out.</summary>
/// <param name="Data">Training data for this run: <c>container/path.csv</c> or <c>dataset:name</c>.</param>
/// <param name="CandidateVersion">For an external trainer: the registered version to evaluate.</param>
/// <param name="Reason">Why the retraining was started.</param>
internal sealed record RetrainRequest(string? Data, int? CandidateVersion, string? Reason);
