using System.Text.Json.Serialization;

namespace Serverless.Core.Training.Specs;

/// <summary>
/// A model's declarative spec: what it predicts, from which data, how it is trained, which gates a candidate must pass
/// and who approves it. Validated on write (every error at once, each naming its field).
/// </summary>
/// <param name="Task"><c>binary</c>, <c>multiclass</c> or <c>regression</c>.</param>
/// <param name="Data">Where the training data comes from and what its columns mean.</param>
/// <param name="Trainer">How the candidate is made.</param>
/// <param name="Gates">What a candidate must reach; null means the defaults of <see cref="GateSpec"/>.</param>
/// <param name="Approval">Who lets a candidate into production; null means automatic.</param>
/// <param name="Schedule">An optional NCRONTAB expression (six fields, with seconds) on which retraining starts.</param>
/// <param name="Description">Free text.</param>
/// <param name="Monitoring">How it is watched in production; null means the app's settings.</param>
public sealed record ModelSpec(
    [property: JsonPropertyName("task")] string? Task,
    [property: JsonPropertyName("data")] DataSpec? Data,
    [property: JsonPropertyName("trainer")] TrainerSpec? Trainer,
    [property: JsonPropertyName("gates")] GateSpec? Gates = null,
    [property: JsonPropertyName("approval")] ApprovalSpec? Approval = null,
    [property: JsonPropertyName("schedule")] string? Schedule = null,
    [property: JsonPropertyName("description")] string? Description = null,
    [property: JsonPropertyName("monitoring")] MonitoringSpec? Monitoring = null);
