using System.Globalization;

namespace Serverless.Core.Monitoring.Statistics;

/// <summary>Numbers in evidence sentences: four significant digits, invariant culture, so sentences read the same everywhere.</summary>
internal static class EvidenceText
{
    public static string Number(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    public static string Percent(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
}
