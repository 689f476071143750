using System.Globalization;

namespace Serverless.Demo.Traffic;

/// <summary>
/// A change to one feature of the generated applications, as a broken upstream feed would make it: a numeric feature
/// multiplied (<c>income*1.5</c>) or moved (<c>debt_ratio+0.2</c>), or a share of the rows given one category
/// (<c>employment=contract@0.8</c>; every row without <c>@</c>). The true outcome is the applicant's, drawn before the
/// change, so a model fooled by it is seen to err once feedback arrives.
/// </summary>
/// <param name="Feature">The feature changed.</param>
/// <param name="Operator"><c>*</c>, <c>+</c> or <c>=</c>.</param>
/// <param name="Amount">The factor or the addend (numeric features), or the share of rows moved (categorical).</param>
/// <param name="Category">The category rows are moved to (categorical features).</param>
public sealed record FeatureShift(string Feature, char Operator, double Amount, string? Category)
{
    /// <summary>The numeric features a shift may multiply or move.</summary>
    public static IReadOnlyList<string> NumericFeatures { get; } = ["income", "debt_ratio", "years_employed", "late_payments"];

    /// <summary>Reads <c>FEATURE*FACTOR</c>, <c>FEATURE+AMOUNT</c> or <c>employment=CATEGORY[@SHARE]</c>.</summary>
    /// <exception cref="FormatException">The text is none of those; the message says what is allowed.</exception>
    public static FeatureShift Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int at = text.IndexOfAny(['*', '+', '=']);
        string feature = at > 0 ? text[..at] : "";
        string rest = at > 0 ? text[(at + 1)..] : "";
        char op = at > 0 ? text[at] : ' ';
        if (op is '*' or '+' && NumericFeatures.Contains(feature) && double.TryParse(rest, NumberStyles.Float, CultureInfo.InvariantCulture, out double amount) && double.IsFinite(amount))
        {
            return new FeatureShift(feature, op, amount, null);
        }

        if (op == '=' && feature == "employment" && rest.Length > 0)
        {
            string[] parts = rest.Split('@', 2);
            double share = 1;
            if (parts[0].Length > 0 && (parts.Length == 1 || (double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out share) && share is > 0 and <= 1)))
            {
                return new FeatureShift(feature, op, share, parts[0]);
            }
        }

        throw new FormatException(
            $"--shift '{text}' is not a shift: use FEATURE*FACTOR or FEATURE+AMOUNT for {string.Join(", ", NumericFeatures)} " +
            "(such as income*1.5 or debt_ratio+0.2), or employment=CATEGORY[@SHARE] (such as employment=contract@0.8, SHARE from 0 to 1).");
    }

    /// <summary><paramref name="row"/> with the shift applied; <paramref name="random"/> picks the rows a categorical shift moves.</summary>
    public LoanRow Apply(LoanRow row, Random random)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(random);
        return Feature switch
        {
            "income" => row with { Income = Shift(row.Income) },
            "debt_ratio" => row with { DebtRatio = Shift(row.DebtRatio) },
            "years_employed" => row with { YearsEmployed = Shift(row.YearsEmployed) },
            "late_payments" => row with { LatePayments = Shift(row.LatePayments) },
            _ => random.NextDouble() < Amount ? row with { Employment = Category! } : row,
        };
    }

    /// <inheritdoc />
    public override string ToString() => Operator == '='
        ? Amount < 1 ? string.Create(CultureInfo.InvariantCulture, $"{Feature}={Category}@{Amount}") : $"{Feature}={Category}"
        : string.Create(CultureInfo.InvariantCulture, $"{Feature}{Operator}{Amount}");

    private float Shift(float value) => (float)(Operator == '*' ? value * Amount : value + Amount);
}
