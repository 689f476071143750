using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime.Tensors;
using Serverless.Core.Registry;
using Serverless.Testing;

namespace Serverless.Core.Tests.Registry;

/// <summary>An alias's canary and shadow in the registry over Azurite: storage, checks, alias history, and how alias moves carry them.</summary>
public sealed class AliasRoutingTests
{
    private const string Alias = "production";
    private static readonly RegistrationMetadata Author = new("tests");

    private static async Task<ModelRegistry> CreateAsync()
    {
        string connection = await TestStorage.GetConnectionStringAsync();
        return new ModelRegistry(new BlobServiceClient(connection), new TableServiceClient(connection), TimeProvider.System, Options.Create(new ModelRegistryOptions()));
    }

    /// <summary>A model with <paramref name="versions"/> versions of the same inputs, production at version 1.</summary>
    private static async Task<(ModelRegistry Registry, string Name)> ModelAsync(int versions = 3)
    {
        var registry = await CreateAsync();
        string name = "route-" + Guid.NewGuid().ToString("N")[..12];
        for (int v = 0; v < versions; v++)
        {
            await registry.RegisterAsync(name, OnnxModelBuilder.Unique(OnnxModelBuilder.Add(-1, 2)), Author, CancellationToken.None);
        }

        await registry.SetAliasAsync(name, Alias, 1, "tests", CancellationToken.None);
        return (registry, name);
    }

    private static async Task<List<AliasChange>> HistoryAsync(ModelRegistry registry, string name) =>
        [.. (await registry.GetModelAsync(name, CancellationToken.None)).AliasHistory.OrderBy(c => c.ChangedAt)];

    [Fact]
    public async Task SetCanaryAsync_AnotherVersionWithTheSameInputs_StoredOnTheAliasAndRecordedWithActorAndReason()
    {
        var (registry, name) = await ModelAsync();

        var change = await registry.SetCanaryAsync(name, Alias, 2, 0.1, "alice", "try v2 on 10%", CancellationToken.None);

        Assert.Equal(new AliasRoute(Alias, 1, 2, 0.1), await registry.GetAliasRouteAsync(name, Alias, CancellationToken.None));
        var recorded = (await HistoryAsync(registry, name))[^1];
        Assert.Equal(change, recorded);
        Assert.Equal((AliasMoveKinds.CanaryStart, 1, (int?)1, "alice", "try v2 on 10%", (int?)2, (double?)0.1), (recorded.Kind, recorded.Version, recorded.PreviousVersion, recorded.ChangedBy, recorded.Reason, recorded.CanaryVersion, recorded.CanaryWeight));
        Assert.Equal([new AliasRoute(Alias, 1, 2, 0.1)], (await registry.GetModelAsync(name, CancellationToken.None)).Routes);
        Assert.Equal(1, await registry.GetAliasTargetAsync(name, Alias, CancellationToken.None));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public async Task SetCanaryAsync_WeightNotBetweenZeroAndOne_ThrowsSayingWhatIsAllowedAndRecordsNothing(double weight)
    {
        var (registry, name) = await ModelAsync();

        var ex = await Assert.ThrowsAsync<InvalidRegistryArgumentException>(() => registry.SetCanaryAsync(name, Alias, 2, weight, "alice", null, CancellationToken.None));

        Assert.Contains("above 0 and below 1", ex.Message, StringComparison.Ordinal);
        Assert.Null((await registry.GetAliasRouteAsync(name, Alias, CancellationToken.None)).CanaryVersion);
        Assert.Single(await HistoryAsync(registry, name));
    }

    [Fact]
    public async Task SetCanaryAsync_VersionThatDoesNotExist_ThrowsNotFound()
    {
        var (registry, name) = await ModelAsync();

        await Assert.ThrowsAsync<ModelNotFoundException>(() => registry.SetCanaryAsync(name, Alias, 9, 0.5, "alice", null, CancellationToken.None));
    }

    [Fact]
    public async Task SetCanaryAsync_AliasNotSet_ThrowsNotFoundNamingTheAlias()
    {
        var (registry, name) = await ModelAsync();

        var ex = await Assert.ThrowsAsync<ModelNotFoundException>(() => registry.SetCanaryAsync(name, "staging", 2, 0.5, "alice", null, CancellationToken.None));

        Assert.Contains("'staging'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetCanaryAsync_TheAliasesOwnVersion_ThrowsInvalidArgument()
    {
        var (registry, name) = await ModelAsync();

        var ex = await Assert.ThrowsAsync<InvalidRegistryArgumentException>(() => registry.SetCanaryAsync(name, Alias, 1, 0.5, "alice", null, CancellationToken.None));

        Assert.Contains("another version", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetCanaryAsync_VersionWithOtherInputs_ThrowsNamingTheInputThatDiffers()
    {
        var (registry, name) = await ModelAsync(versions: 1);
        await registry.RegisterAsync(name, OnnxModelBuilder.Add(-1, 3), Author, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<InvalidRegistryArgumentException>(() => registry.SetCanaryAsync(name, Alias, 2, 0.5, "alice", null, CancellationToken.None));

        Assert.Contains("input 'a' has shape [-1, 3] in version 2 but [-1, 2] in version 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetShadowAsync_VersionWithOtherInputs_ThrowsNamingTheInputThatDiffers()
    {
        var (registry, name) = await ModelAsync(versions: 1);
        await registry.RegisterAsync(name, OnnxModelBuilder.Identity(TensorElementType.Int64, -1, 2), Author, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<InvalidRegistryArgumentException>(() => registry.SetShadowAsync(name, Alias, 2, "alice", null, CancellationToken.None));

        Assert.Contains("no input 'a'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PromoteCanaryAsync_RunningCanary_AliasMovesToItCanaryEndsAndRollbackGoesBack()
    {
        var (registry, name) = await ModelAsync();
        await registry.SetCanaryAsync(name, Alias, 2, 0.2, "alice", null, CancellationToken.None);

        var promoted = await registry.PromoteCanaryAsync(name, Alias, "bob", "canary looked good", CancellationToken.None);

        Assert.Equal((AliasMoveKinds.CanaryPromotion, 2, (int?)1, (int?)2, "bob"), (promoted.Kind, promoted.Version, promoted.PreviousVersion, promoted.CanaryVersion, promoted.ChangedBy));
        Assert.Equal(new AliasRoute(Alias, 2), await registry.GetAliasRouteAsync(name, Alias, CancellationToken.None));
        Assert.Equal([AliasMoveKinds.Manual, AliasMoveKinds.CanaryStart, AliasMoveKinds.CanaryPromotion], (await HistoryAsync(registry, name)).Select(c => c.Kind));
        var back = await registry.RollbackAsync(name, Alias, "carol", "not so good after all", CancellationToken.None);
        Assert.Equal(1, back.Version);
    }

    [Fact]
    public async Task PromoteCanaryAsync_NoCanary_ThrowsConflictAndMovesNothing()
    {
        var (registry, name) = await ModelAsync();

        await Assert.ThrowsAsync<RegistryConflictException>(() => registry.PromoteCanaryAsync(name, Alias, "bob", null, CancellationToken.None));

        Assert.Equal(1, await registry.GetAliasTargetAsync(name, Alias, CancellationToken.None));
    }

    [Fact]
    public async Task AbortCanaryAsync_RunningCanary_RemovedAndRecordedWithTheVersionAndWeightItHad()
    {
        var (registry, name) = await ModelAsync();
        await registry.SetCanaryAsync(name, Alias, 2, 0.3, "alice", null, CancellationToken.None);

        var aborted = await registry.AbortCanaryAsync(name, Alias, "bob", "errors up", CancellationToken.None);

        Assert.Equal(new AliasRoute(Alias, 1), await registry.GetAliasRouteAsync(name, Alias, CancellationToken.None));
        Assert.Equal((AliasMoveKinds.CanaryAbort, 1, (int?)2, (double?)0.3, "errors up"), (aborted.Kind, aborted.Version, aborted.CanaryVersion, aborted.CanaryWeight, aborted.Reason));
        Assert.Equal(aborted, (await HistoryAsync(registry, name))[^1]);
        await Assert.ThrowsAsync<RegistryConflictException>(() => registry.AbortCanaryAsync(name, Alias, "bob", null, CancellationToken.None));
    }

    [Fact]
    public async Task AbortCanaryAsync_ExpectedVersionUnderAnOperation_EndedOnceAndRepeatReturnsTheFirstChange()
    {
        var (registry, name) = await ModelAsync();
        await registry.SetCanaryAsync(name, Alias, 2, 0.3, "alice", null, CancellationToken.None);

        var first = await registry.AbortCanaryAsync(name, Alias, 2, "guardrail", "breached", "op-canary-1", CancellationToken.None);
        await registry.SetCanaryAsync(name, Alias, 2, 0.3, "alice", "again", CancellationToken.None);
        var repeat = await registry.AbortCanaryAsync(name, Alias, 2, "guardrail", "breached", "op-canary-1", CancellationToken.None);

        Assert.Equal(first, repeat);
        Assert.Equal(first, await registry.FindAliasChangeAsync(name, "op-canary-1", CancellationToken.None));
        Assert.Equal(2, (await registry.GetAliasRouteAsync(name, Alias, CancellationToken.None)).CanaryVersion);
        Assert.Single(await HistoryAsync(registry, name), c => c.Kind == AliasMoveKinds.CanaryAbort);
    }

    [Fact]
    public async Task RemoveShadowAsync_ShadowIsAnotherVersionThanExpected_ThrowsConflictAndLeavesItRunning()
    {
        var (registry, name) = await ModelAsync();
        await registry.SetShadowAsync(name, Alias, 3, "alice", null, CancellationToken.None);

        var refused = await Assert.ThrowsAsync<RegistryConflictException>(() => registry.RemoveShadowAsync(name, Alias, 2, "guardrail", "breached", "op-shadow-1", CancellationToken.None));

        Assert.Contains("version 3 now, not version 2", refused.Message, StringComparison.Ordinal);
        Assert.Equal(3, (await registry.GetAliasRouteAsync(name, Alias, CancellationToken.None)).ShadowVersion);
        Assert.Null(await registry.FindAliasChangeAsync(name, "op-shadow-1", CancellationToken.None));
    }

    [Fact]
    public async Task SetShadowAsync_ThenRemoveShadowAsync_StoredBesideTheCanaryAndBothRecorded()
    {
        var (registry, name) = await ModelAsync();
        await registry.SetCanaryAsync(name, Alias, 2, 0.5, "alice", null, CancellationToken.None);

        await registry.SetShadowAsync(name, Alias, 3, "alice", "compare v3", CancellationToken.None);
        var withShadow = await registry.GetAliasRouteAsync(name, Alias, CancellationToken.None);
        var stopped = await registry.RemoveShadowAsync(name, Alias, "bob", null, CancellationToken.None);

        Assert.Equal(new AliasRoute(Alias, 1, 2, 0.5, 3), withShadow);
        Assert.Equal(new AliasRoute(Alias, 1, 2, 0.5), await registry.GetAliasRouteAsync(name, Alias, CancellationToken.None));
        Assert.Equal((AliasMoveKinds.ShadowStop, (int?)3), (stopped.Kind, stopped.ShadowVersion));
        Assert.Equal(
            [AliasMoveKinds.Manual, AliasMoveKinds.CanaryStart, AliasMoveKinds.ShadowStart, AliasMoveKinds.ShadowStop],
            (await HistoryAsync(registry, name)).Select(c => c.Kind));
        await Assert.ThrowsAsync<RegistryConflictException>(() => registry.RemoveShadowAsync(name, Alias, "bob", null, CancellationToken.None));
    }

    [Fact]
    public async Task SetAliasAsync_ToAVersionTheCanaryAndShadowFit_KeepsThem()
    {
        var (registry, name) = await ModelAsync(versions: 4);
        await registry.SetCanaryAsync(name, Alias, 2, 0.5, "alice", null, CancellationToken.None);
        await registry.SetShadowAsync(name, Alias, 3, "alice", null, CancellationToken.None);

        await registry.SetAliasAsync(name, Alias, 4, "bob", CancellationToken.None);

        Assert.Equal(new AliasRoute(Alias, 4, 2, 0.5, 3), await registry.GetAliasRouteAsync(name, Alias, CancellationToken.None));
        Assert.Equal(4, (await HistoryAsync(registry, name)).Count);
    }

    [Fact]
    public async Task SetAliasAsync_ToTheShadowVersion_EndsTheShadowRecordedAfterTheMoveAndRollbackStillGoesBack()
    {
        var (registry, name) = await ModelAsync();
        await registry.SetShadowAsync(name, Alias, 3, "alice", null, CancellationToken.None);

        await registry.SetAliasAsync(name, Alias, 3, "bob", CancellationToken.None);

        Assert.Equal(new AliasRoute(Alias, 3), await registry.GetAliasRouteAsync(name, Alias, CancellationToken.None));
        var history = (await registry.GetModelAsync(name, CancellationToken.None)).AliasHistory;
        Assert.Equal(AliasMoveKinds.ShadowStop, history[^1].Kind);
        Assert.Equal((int?)3, history[^1].ShadowVersion);
        Assert.Contains("now the alias's version", history[^1].Reason, StringComparison.Ordinal);
        Assert.Equal(1, (await registry.RollbackAsync(name, Alias, "carol", "back", CancellationToken.None)).Version);
    }

    [Fact]
    public async Task SetAliasAsync_ToAVersionWithOtherInputs_EndsTheCanaryNamingTheInput()
    {
        var (registry, name) = await ModelAsync(versions: 2);
        await registry.RegisterAsync(name, OnnxModelBuilder.Add(-1, 5), Author, CancellationToken.None);
        await registry.SetCanaryAsync(name, Alias, 2, 0.5, "alice", null, CancellationToken.None);

        await registry.SetAliasAsync(name, Alias, 3, "bob", CancellationToken.None);

        Assert.Equal(new AliasRoute(Alias, 3), await registry.GetAliasRouteAsync(name, Alias, CancellationToken.None));
        var ended = (await registry.GetModelAsync(name, CancellationToken.None)).AliasHistory[^1];
        Assert.Equal((AliasMoveKinds.CanaryAbort, (int?)2, 3), (ended.Kind, ended.CanaryVersion, ended.Version));
        Assert.Contains("input 'a'", ended.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetCanaryAsync_ManyWritersFromIndependentClients_EveryChangeRecordedOnce()
    {
        var (_, name) = await ModelAsync();
        var writers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => CreateAsync()));

        await Task.WhenAll(writers.Select((w, i) => w.SetCanaryAsync(name, Alias, 2 + (i % 2), 0.1 * (i + 1), $"writer-{i}", null, CancellationToken.None)));

        var registry = await CreateAsync();
        var starts = (await HistoryAsync(registry, name)).Where(c => c.Kind == AliasMoveKinds.CanaryStart).ToList();
        Assert.Equal(6, starts.Count);
        var route = await registry.GetAliasRouteAsync(name, Alias, CancellationToken.None);
        // The row holds what one of the writers wrote, whole: its version and weight together.
        Assert.Contains(starts, c => c.CanaryVersion == route.CanaryVersion && c.CanaryWeight == route.CanaryWeight);
    }

    [Fact]
    public void SignatureDifference_SameInputs_Null()
    {
        var a = Version(1, new TensorSpec("x", "FP32", [-1, 2]));

        Assert.Null(ModelRegistry.SignatureDifference(a, Version(2, new TensorSpec("x", "FP32", [-1, 2]))));
    }

    [Theory]
    [InlineData("y", "FP32", 2, "version 2 has no input 'x', which version 1 takes")]
    [InlineData("x", "INT64", 2, "input 'x' is INT64 in version 2 but FP32 in version 1")]
    [InlineData("x", "FP32", 3, "input 'x' has shape [-1, 3] in version 2 but [-1, 2] in version 1")]
    public void SignatureDifference_OneInputDiffers_SaysWhich(string input, string datatype, long width, string expected)
    {
        var a = Version(1, new TensorSpec("x", "FP32", [-1, 2]));

        Assert.Equal(expected, ModelRegistry.SignatureDifference(a, Version(2, new TensorSpec(input, datatype, [-1, width]))));
    }

    [Fact]
    public void SignatureDifference_ExtraInput_NamesIt()
    {
        var a = Version(1, new TensorSpec("x", "FP32", [-1]));

        Assert.Equal(
            "version 2 takes input 'z', which version 1 does not",
            ModelRegistry.SignatureDifference(a, Version(2, new TensorSpec("x", "FP32", [-1]), new TensorSpec("z", "FP32", [-1]))));
    }

    private static ModelVersionInfo Version(int version, params TensorSpec[] inputs) =>
        new("m", version, "", 0, "", new ModelSignature(inputs, []), DateTimeOffset.UnixEpoch, Author);
}
