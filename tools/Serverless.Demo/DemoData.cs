using System.Globalization;
using System.Text;
using Serverless.Core.Training.Datasets;

namespace Serverless.Demo;

/// <summary>
/// Loan applications generated from a fixed seed: the same rows on every machine, so the demo model (and its hash) is
/// reproducible and nothing is downloaded. Gender is drawn independently of the outcome, so a fair model passes the
/// fairness gates.
/// </summary>
public static class DemoData
{
    /// <summary>The seed of the generator.</summary>
    public const int Seed = 42;

    /// <summary>The CSV header, which names the spec's columns.</summary>
    public const string Header = "income,debt_ratio,years_employed,late_payments,employment,gender,approved";

    private static readonly string[] Employments = ["salaried", "self-employed", "contract"];

    /// <summary><paramref name="count"/> applications; approval follows a noisy linear rule of the features.</summary>
    public static IReadOnlyList<LoanRow> Generate(int count, int seed = Seed)
    {
        var random = new Random(seed);
        var rows = new List<LoanRow>(count);
        for (int i = 0; i < count; i++)
        {
            rows.Add(Next(random));
        }

        return rows;
    }

    /// <summary>One application drawn from <paramref name="random"/>, as <see cref="Generate"/> draws each row (the demo traffic draws live requests with it).</summary>
    public static LoanRow Next(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        float income = 20 + (float)(random.NextDouble() * 180);
        float debtRatio = (float)random.NextDouble() * 0.9f;
        float years = (float)Math.Floor(random.NextDouble() * random.NextDouble() * 40);
        float late = (float)Math.Floor(-Math.Log(1 - random.NextDouble()) * 1.5);
        string employment = Employments[random.Next(Employments.Length)];
        string gender = random.Next(2) == 0 ? "female" : "male";
        double noise = Gaussian(random) * 0.6;
        double score = (0.03 * (income - 80)) - (4 * (debtRatio - 0.35)) + (0.08 * (years - 5)) - (0.6 * late)
            + (employment == "contract" ? -0.5 : 0) + noise;
        return new LoanRow(income, debtRatio, years, late, employment, gender, score > 0);
    }

    /// <summary>The rows as CSV with <see cref="Header"/>; the label is <c>yes</c> or <c>no</c>.</summary>
    public static string ToCsv(IEnumerable<LoanRow> rows)
    {
        var csv = new StringBuilder(Header).Append('\n');
        foreach (var r in rows)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{r.Income:0.###},{r.DebtRatio:0.####},{r.YearsEmployed},{r.LatePayments},{r.Employment},{r.Gender},{(r.Approved ? "yes" : "no")}\n");
        }

        return csv.ToString();
    }

    /// <summary>The rows as the retraining line reads them through <see cref="DemoSpec"/>.</summary>
    public static TrainingTable ToTable(IReadOnlyList<LoanRow> rows) => new(
        [
            new NumericColumn("income", [.. rows.Select(r => r.Income)]),
            new NumericColumn("debt_ratio", [.. rows.Select(r => r.DebtRatio)]),
            new NumericColumn("years_employed", [.. rows.Select(r => r.YearsEmployed)]),
            new NumericColumn("late_payments", [.. rows.Select(r => r.LatePayments)]),
        ],
        [new CategoricalColumn("employment", [.. rows.Select(r => r.Employment)])],
        [.. rows.Select(r => r.Approved ? 1f : 0f)],
        ["no", "yes"],
        [new CategoricalColumn("gender", [.. rows.Select(r => r.Gender)])]);

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
