namespace Serverless.Demo;

/// <summary>One generated loan application and its outcome.</summary>
/// <param name="Income">Yearly income, thousands.</param>
/// <param name="DebtRatio">Monthly debt payments over monthly income, 0 to 1.</param>
/// <param name="YearsEmployed">Years with the current employer.</param>
/// <param name="LatePayments">Late payments in the last two years.</param>
/// <param name="Employment"><c>salaried</c>, <c>self-employed</c> or <c>contract</c>.</param>
/// <param name="Gender">The protected attribute: <c>female</c> or <c>male</c>, independent of the outcome.</param>
/// <param name="Approved">Whether the loan was repaid (the label).</param>
public sealed record LoanRow(float Income, float DebtRatio, float YearsEmployed, float LatePayments, string Employment, string Gender, bool Approved);
