namespace Serverless.Core.Training.Specs;

/// <summary>The actions a guardrail may take.</summary>
public static class GuardrailActions
{
    /// <summary>Roll the model alone back to its previous production version, and alert.</summary>
    public const string Rollback = "rollback";

    /// <summary>Alert only.</summary>
    public const string Alert = "alert";

    /// <summary>Whether <paramref name="action"/> is one of them.</summary>
    public static bool IsKnown(string? action) => action is Rollback or Alert;
}
