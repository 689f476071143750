using Microsoft.ML.Data;

namespace Serverless.Demo;

/// <summary>The demo classifier's features: one column each, named as the records API and the ONNX graph name them.</summary>
public class LoanApplication
{
    /// <summary>Yearly income, thousands.</summary>
    [ColumnName("income")]
    public float Income { get; set; }

    /// <summary>Monthly debt payments over monthly income, 0 to 1.</summary>
    [ColumnName("debt_ratio")]
    public float DebtRatio { get; set; }

    /// <summary>Years with the current employer.</summary>
    [ColumnName("years_employed")]
    public float YearsEmployed { get; set; }

    /// <summary>Late payments in the last two years.</summary>
    [ColumnName("late_payments")]
    public float LatePayments { get; set; }
}
