using System.Globalization;

namespace Serverless.Demo.Traffic;

/// <summary>What <c>Serverless.Demo traffic</c> sends.</summary>
/// <param name="Model">The model called.</param>
/// <param name="Seconds">How long to send.</param>
/// <param name="Rate">Predictions a second (one row a request).</param>
/// <param name="Shift">The change made to one feature, or null.</param>
/// <param name="ShiftAfter">How long the traffic runs unchanged before the shift starts.</param>
/// <param name="FeedbackShare">Share of predictions whose true label is posted as feedback, 0 to 1.</param>
/// <param name="FeedbackDelay">How long after its answer a prediction's feedback is sent (its sample must be stored by then).</param>
/// <param name="Seed">The generator's seed; null for a different stream on every run.</param>
public sealed record TrafficOptions(
    string Model, int Seconds, int Rate, FeatureShift? Shift, TimeSpan ShiftAfter, double FeedbackShare, TimeSpan FeedbackDelay, int? Seed)
{
    /// <summary>The options' usage, for error messages.</summary>
    public const string Usage =
        "Serverless.Demo traffic [--url URL] [--key FUNCTION_KEY] [--model NAME] [--seconds N] [--rate N] [--shift SHIFT] [--shift-after SECONDS] [--feedback SHARE] [--seed N]";

    /// <summary>The defaults: two minutes of 20 predictions a second to the demo model, no shift, feedback for half.</summary>
    public static TrafficOptions Default { get; } = new(DemoSetup.ModelName, 120, 20, null, TimeSpan.Zero, 0.5, TimeSpan.FromSeconds(8), null);

    /// <summary>Reads one option and its value onto <paramref name="options"/>; false when <paramref name="name"/> is not a traffic option.</summary>
    /// <exception cref="FormatException">The value does not fit the option; the message says what does.</exception>
    public static bool TryApply(ref TrafficOptions options, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(options);
        switch (name)
        {
            case "--model": options = options with { Model = value }; return true;
            case "--seconds": options = options with { Seconds = Whole(name, value, 1, 86_400) }; return true;
            case "--rate": options = options with { Rate = Whole(name, value, 1, 1000) }; return true;
            case "--shift": options = options with { Shift = FeatureShift.Parse(value) }; return true;
            case "--shift-after": options = options with { ShiftAfter = TimeSpan.FromSeconds(Whole(name, value, 0, 86_400)) }; return true;
            case "--seed": options = options with { Seed = Whole(name, value, int.MinValue, int.MaxValue) }; return true;
            case "--feedback":
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double share) || share is < 0 or > 1)
                {
                    throw new FormatException($"--feedback '{value}' must be a share from 0 (no feedback) to 1 (every prediction).");
                }

                options = options with { FeedbackShare = share };
                return true;
            default: return false;
        }
    }

    private static int Whole(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max
            ? n
            : throw new FormatException($"{name} '{value}' must be a whole number from {min} to {max}.");
}
