using System.Text;
using System.Text.Json;
using Serverless.Core.Serving;
using Serverless.Core.Serving.Protocol;
using Serverless.Core.Serving.Routing;

namespace Serverless.Core.Tests.Serving.Routing;

/// <summary>The canary routing rule on its own: stickiness, the weight, and where the key is read from.</summary>
public sealed class CanaryRouterTests
{
    private const string Model = "churn";

    /// <summary>10,000 customer ids drawn from a fixed seed.</summary>
    private static List<string> Keys(int count = 10_000)
    {
        var random = new Random(20261127);
        return [.. Enumerable.Range(0, count).Select(_ => "customer-" + random.NextInt64(1_000_000_000_000))];
    }

    /// <summary>Within <paramref name="sigmas"/> standard deviations of the binomial mean.</summary>
    private static void AssertBinomial(int hits, int trials, double p, double sigmas)
    {
        double mean = trials * p;
        double bound = sigmas * Math.Sqrt(trials * p * (1 - p));
        Assert.InRange(hits, mean - bound, mean + bound);
    }

    [Fact]
    public void ToCanary_SameKeyManyCalls_AlwaysTheSameVersion()
    {
        foreach (string key in Keys(200))
        {
            bool first = CanaryRouter.ToCanary(Model, key, 0.5);

            Assert.All(Enumerable.Range(0, 50), _ => Assert.Equal(first, CanaryRouter.ToCanary(Model, key, 0.5)));
        }
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void ToCanary_TenThousandKeys_ShareWithinTheBinomialBoundOfTheWeight(double weight)
    {
        int canary = Keys().Count(k => CanaryRouter.ToCanary(Model, k, weight));

        // Four standard deviations: for 0.1, 1,000 ± 120 of 10,000. The hash is fixed, so this never flakes.
        AssertBinomial(canary, 10_000, weight, sigmas: 4);
    }

    [Fact]
    public void ToCanary_NoKey_RandomAtTheWeight()
    {
        int canary = Enumerable.Range(0, 10_000).Count(_ => CanaryRouter.ToCanary(Model, routingKey: null, 0.1));

        // Five standard deviations (1,000 ± 150): a false failure about once in 1.7 million runs.
        AssertBinomial(canary, 10_000, 0.1, sigmas: 5);
    }

    [Fact]
    public void ToCanary_WeightRaised_KeysOnTheCanaryStayThereAndOthersJoin()
    {
        var keys = Keys();
        var at10 = keys.Where(k => CanaryRouter.ToCanary(Model, k, 0.1)).ToHashSet();
        var at30 = keys.Where(k => CanaryRouter.ToCanary(Model, k, 0.3)).ToHashSet();

        Assert.Subset(at30, at10);
        Assert.True(at30.Count > at10.Count * 2);
    }

    [Fact]
    public void Point_SameKeyOtherModel_IndependentAssignment()
    {
        var keys = Keys();
        int both = keys.Count(k => CanaryRouter.Point(Model, k) < 0.5 && CanaryRouter.Point("fraud", k) < 0.5);

        // Independent halves overlap on a quarter of the keys.
        AssertBinomial(both, keys.Count, 0.25, sigmas: 4);
    }

    [Fact]
    public void Point_KnownInput_StableAcrossProcessesAndReleases()
    {
        // The point is SHA-256 of the bytes alone: it must not depend on the runtime's string hashing.
        double point = CanaryRouter.Point(Model, "customer-42");
        byte[] hash = System.Security.Cryptography.SHA256.HashData("churn\0customer-42"u8);
        double expected = (System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) / (double)(1UL << 53);

        Assert.Equal(expected, point);
        Assert.InRange(point, 0, 1 - double.Epsilon);
    }

    [Fact]
    public void Point_KeyLongerThanTheStackBuffer_StableAndInRange()
    {
        string key = new string('k', 5000) + "é";

        double point = CanaryRouter.Point(Model, key);

        Assert.Equal(point, CanaryRouter.Point(Model, key));
        Assert.InRange(point, 0, 1 - double.Epsilon);
    }

    [Theory]
    [InlineData("""{"inputs": [], "parameters": {"routing_key": "c-1"}}""", "c-1")]
    [InlineData("""{"inputs": [], "parameters": {"routing_key": 42}}""", "42")]
    [InlineData("""{"inputs": [], "parameters": {}}""", null)]
    [InlineData("""{"inputs": []}""", null)]
    public void RoutingKey_InferenceParameter_Read(string json, string? expected)
    {
        using var request = InferenceBody.Parse(Encoding.UTF8.GetBytes(json));

        Assert.Equal(expected, request.RoutingKey());
    }

    [Theory]
    [InlineData("""{"rows": [], "routing_key": "c-1"}""", "c-1")]
    [InlineData("""{"rows": []}""", null)]
    [InlineData("""[1]""", null)]
    public void FromRecords_TopLevelRoutingKey_Read(string json, string? expected)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Equal(expected, CanaryRouter.FromRecords(document.RootElement));
    }

    [Fact]
    public void FromRecords_RoutingKeyNotAStringOrNumber_InvalidRequestNamingTheField()
    {
        using var document = JsonDocument.Parse("""{"rows": [], "routing_key": {"a": 1}}""");

        var ex = Assert.Throws<InvalidInferenceRequestException>(() => CanaryRouter.FromRecords(document.RootElement));

        Assert.Contains("routing_key", ex.Message, StringComparison.Ordinal);
    }
}
