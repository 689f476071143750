namespace Serverless.Demo;

/// <summary>
/// Loan applications generated from a fixed seed: the same rows on every machine, so the demo model (and its hash) is
/// reproducible and nothing is downloaded.
/// </summary>
public static class DemoData
{
    /// <summary>The seed of the generator and of ML.NET.</summary>
    public const int Seed = 42;

    /// <summary><paramref name="count"/> applications; approval follows a noisy linear rule of the features.</summary>
    public static IReadOnlyList<LabeledLoanApplication> Generate(int count)
    {
        var random = new Random(Seed);
        var rows = new List<LabeledLoanApplication>(count);
        for (int i = 0; i < count; i++)
        {
            float income = 20 + (float)(random.NextDouble() * 180);
            float debtRatio = (float)random.NextDouble() * 0.9f;
            float years = (float)Math.Floor(random.NextDouble() * random.NextDouble() * 40);
            float late = (float)Math.Floor(-Math.Log(1 - random.NextDouble()) * 1.5);
            double noise = Gaussian(random) * 0.6;
            double score = (0.03 * (income - 80)) - (4 * (debtRatio - 0.35)) + (0.08 * (years - 5)) - (0.6 * late) + noise;
            rows.Add(new LabeledLoanApplication
            {
                Income = income,
                DebtRatio = debtRatio,
                YearsEmployed = years,
                LatePayments = late,
                Approved = score > 0,
            });
        }

        return rows;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
