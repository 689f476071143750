namespace Serverless.Core.Tests.Monitoring.Statistics;

/// <summary>Normal samples from a seeded Random by Box–Muller, so every run sees the same numbers.</summary>
internal static class NormalSample
{
    public static double[] Draw(int seed, int count, double mean = 0, double standardDeviation = 1)
    {
        var random = new Random(seed);
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            values[i] = mean + (standardDeviation * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return values;
    }
}
