using Microsoft.ML.Data;

namespace Serverless.Demo;

/// <summary>A generated application with its outcome: the training data.</summary>
public sealed class LabeledLoanApplication : LoanApplication
{
    /// <summary>Whether the loan was repaid (the label).</summary>
    [ColumnName("approved")]
    public bool Approved { get; set; }
}
