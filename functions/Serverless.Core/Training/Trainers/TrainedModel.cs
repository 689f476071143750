namespace Serverless.Core.Training.Trainers;

/// <summary>A candidate model fresh from training.</summary>
/// <param name="Onnx">The ONNX graph: one input per feature, named as in the spec (numeric: float [N,1]; categorical: string [N,1]).</param>
/// <param name="Trainer">The trainer's name (<see cref="TrainerCatalog"/>).</param>
/// <param name="Hyperparameters">The values training used: the trainer's defaults overridden by the spec's.</param>
/// <param name="Duration">How long fitting and exporting took.</param>
public sealed record TrainedModel(byte[] Onnx, string Trainer, IReadOnlyDictionary<string, double> Hyperparameters, TimeSpan Duration);
