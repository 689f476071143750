using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.ML.OnnxRuntime.Tensors;
using Serverless.Core.Governance;
using Serverless.Core.Governance.Audit;
using Serverless.Core.Monitoring.Evaluation;
using Serverless.Core.Monitoring.Sampling;
using Serverless.Core.Registry;
using Serverless.Core.Serving;
using Serverless.Core.Training;
using Serverless.Core.Training.Specs;
using Serverless.Testing;

namespace Serverless.Core.Tests.Monitoring.Evaluation;

/// <summary>The evaluator against Azurite: each test with its own tables, containers, queue and models, and a clock of its own.</summary>
public sealed class MonitoringEvaluatorTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    private static readonly DateTimeOffset Start = MonitoringScenario.Start;

    private sealed class World
    {
        public required string Id { get; init; }

        public required FakeTimeProvider Clock { get; init; }

        public required MonitoringOptions Options { get; init; }

        public required ModelRegistry Registry { get; init; }

        public required SpecStore Specs { get; init; }

        public required SampleStore Samples { get; init; }

        public required MonitoringStore Store { get; init; }

        public required MonitoringBaselineStore Baselines { get; init; }

        public required QueueClient AlertQueue { get; init; }

        public required Func<MonitoringEvaluator> NewEvaluator { get; init; }

        public required AuditLog Audit { get; init; }

        public string Model(string name) => name + Id;

        public async Task StoreWindowAsync(IReadOnlyList<PredictionSample> samples)
        {
            await Store.MarkPendingAsync(await Samples.StoreAsync(samples, Guid.NewGuid().ToString("N"), CancellationToken.None), CancellationToken.None);
        }
    }

    private static async Task<World> CreateAsync()
    {
        string connection = await TestStorage.GetConnectionStringAsync();
        string id = Guid.NewGuid().ToString("N")[..10];
        var clock = new FakeTimeProvider(Start);
        var settings = new MonitoringOptions
        {
            SampleTable = "samples" + id,
            SampleContainer = "samples-" + id,
            EvaluationTable = "monitoring" + id,
            AlertQueue = "alerts-" + id,
            BaselineContainer = "baselines-" + id,
            WindowLength = Window,
            EvaluationDelay = TimeSpan.FromMinutes(1),
        };
        var options = Options.Create(settings);
        var tables = new TableServiceClient(connection);
        var blobs = new BlobServiceClient(connection);
        var queues = new QueueServiceClient(connection);
        var registry = new ModelRegistry(blobs, tables, clock, Options.Create(new ModelRegistryOptions()));
        var specs = new SpecStore(tables, clock, Options.Create(new TrainingOptions { SpecTable = "specs" + id }));
        var samples = new SampleStore(tables, blobs, options);
        var store = new MonitoringStore(tables, options, clock);
        var baselines = new MonitoringBaselineStore(blobs, options);
        var audit = new AuditLog(tables, Options.Create(new AuditOptions { Table = "audit" + id }));
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        return new World
        {
            Id = id,
            Clock = clock,
            Options = settings,
            Registry = registry,
            Specs = specs,
            Samples = samples,
            Store = store,
            Baselines = baselines,
            AlertQueue = queues.GetQueueClient(settings.AlertQueue),
            Audit = audit,
            NewEvaluator = () => new MonitoringEvaluator(
                store, samples, baselines, specs, registry, new AlertPublisher(queues, options), options, clock, NullLogger<MonitoringEvaluator>.Instance, meters, audit),
        };
    }

    /// <summary>Registers versions 1 and 2 of a model, version 1's baseline, and moves production 1 → 2.</summary>
    private static async Task<string> TwoVersionsAsync(World world, string name)
    {
        string model = world.Model(name);
        var identity = OnnxModelBuilder.Identity(TensorElementType.Float, -1, 1);
        await world.Registry.RegisterAsync(model, OnnxModelBuilder.Unique(identity), new RegistrationMetadata("test"), CancellationToken.None);
        await world.Registry.RegisterAsync(model, OnnxModelBuilder.Unique(identity), new RegistrationMetadata("test"), CancellationToken.None);
        await world.Registry.SetAliasAsync(model, InferenceService.ServingAlias, 1, "test", CancellationToken.None);

        // The registry orders alias moves by time: on a stopped clock two moves would tie and replay in either order.
        world.Clock.Advance(TimeSpan.FromSeconds(1));
        await world.Registry.SetAliasAsync(model, InferenceService.ServingAlias, 2, "test", CancellationToken.None);
        await world.Baselines.PutAsync(MonitoringScenario.Baseline(model, version: 1), CancellationToken.None);
        return model;
    }

    private static DateTimeOffset WindowAt(int index) => Start + (index * Window);

    [Fact]
    public async Task EvaluateDueAsync_OpenWindowAndClosedWindow_EvaluatesOnlyTheClosedOne()
    {
        var world = await CreateAsync();
        string model = world.Model("open");
        await world.Baselines.PutAsync(MonitoringScenario.Baseline(model), CancellationToken.None);
        await world.StoreWindowAsync(MonitoringScenario.Samples(model, 1, 100, seed: 1, WindowAt(0), incomeShift: 10));
        await world.StoreWindowAsync(MonitoringScenario.Samples(model, 1, 100, seed: 2, WindowAt(1)));

        // Window 0 ended at +5 min; with the 1-minute delay it is due at +6 min, window 1 at +11 min.
        world.Clock.SetUtcNow(WindowAt(1).AddMinutes(1));
        var run = await world.NewEvaluator().EvaluateDueAsync(CancellationToken.None);

        Assert.Equal(new EvaluationRun(1, 0, 0, 1, 1, 0), run);
        var window = Assert.Single(await world.Store.RecentAsync(model, 10, CancellationToken.None));
        Assert.Equal(WindowAt(0), window.WindowStart);
        Assert.Equal(100, window.Samples);
        Assert.Equal("income", Assert.Single(window.Alerts).Subject);
        Assert.Equal([WindowAt(1)], await world.Store.ListPendingAsync(model, CancellationToken.None));

        // The alert went to the queue too, once.
        var messages = (await world.AlertQueue.ReceiveMessagesAsync(32)).Value;
        var published = Assert.Single(messages);
        Assert.Contains("/v1/data-drift/income", published.Body.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateDueAsync_TwoEvaluatorsAtOnce_EachWindowEvaluatedOnce()
    {
        var world = await CreateAsync();
        var models = Enumerable.Range(0, 6).Select(i => world.Model("twice" + i)).ToList();
        foreach (string model in models)
        {
            await world.Baselines.PutAsync(MonitoringScenario.Baseline(model), CancellationToken.None);
            for (int w = 0; w < 2; w++)
            {
                await world.StoreWindowAsync(MonitoringScenario.Samples(model, 1, 60, seed: w, WindowAt(w), incomeShift: 10));
            }
        }

        world.Clock.SetUtcNow(WindowAt(3));
        var runs = await Task.WhenAll(world.NewEvaluator().EvaluateDueAsync(CancellationToken.None), world.NewEvaluator().EvaluateDueAsync(CancellationToken.None));

        Assert.Equal(12, runs.Sum(r => r.Evaluated));
        Assert.All(runs, r => Assert.Equal(0, r.Failed));
        foreach (string model in models)
        {
            var windows = await world.Store.RecentAsync(model, 10, CancellationToken.None);
            Assert.Equal([WindowAt(1), WindowAt(0)], windows.Select(w => w.WindowStart));
            Assert.Empty(await world.Store.ListPendingAsync(model, CancellationToken.None));
        }

        // Nothing is left to evaluate, and evaluating again changes nothing.
        Assert.Equal(new EvaluationRun(0, 0, 0, 0, 0, 0), await world.NewEvaluator().EvaluateDueAsync(CancellationToken.None));
        // Each alert was published once.
        var published = new List<string>();
        while ((await world.AlertQueue.ReceiveMessagesAsync(32)).Value is { Length: > 0 } batch)
        {
            published.AddRange(batch.Select(m => m.Body.ToObjectFromJson<MonitoringAlert>()!.Id));
            foreach (var message in batch)
            {
                await world.AlertQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }

        Assert.True(runs.Sum(r => r.Alerts) >= 12, "every window has the income alert");
        Assert.Equal(runs.Sum(r => r.Alerts), published.Count);
        Assert.Equal(published.Count, published.Distinct().Count());
    }

    [Fact]
    public async Task EvaluateWindowAsync_ClaimLeftByAnEvaluatorThatDied_TakenOverAfterTheLease()
    {
        var world = await CreateAsync();
        string model = world.Model("died");
        await world.Baselines.PutAsync(MonitoringScenario.Baseline(model), CancellationToken.None);
        await world.StoreWindowAsync(MonitoringScenario.Samples(model, 1, 60, seed: 3, WindowAt(0)));
        world.Clock.SetUtcNow(WindowAt(2));
        var window = new SampleWindow(model, WindowAt(0));

        // An evaluator claims the window and dies before completing it.
        Assert.True((await world.Store.TryClaimAsync(window, CancellationToken.None)).Claimed);

        Assert.Null(await world.NewEvaluator().EvaluateWindowAsync(window, CancellationToken.None));
        Assert.Empty(await world.Store.RecentAsync(model, 10, CancellationToken.None));

        world.Clock.Advance(TimeSpan.FromMinutes(6));
        var evaluation = await world.NewEvaluator().EvaluateWindowAsync(window, CancellationToken.None);

        Assert.NotNull(evaluation);
        Assert.Single(await world.Store.RecentAsync(model, 10, CancellationToken.None));
        Assert.Null(await world.NewEvaluator().EvaluateWindowAsync(window, CancellationToken.None));
    }

    [Fact]
    public async Task EvaluateDueAsync_ProductionVersionBreachesThreeWindows_RollsBackThatModelAlone()
    {
        var world = await CreateAsync();
        string bad = await TwoVersionsAsync(world, "bad");
        string good = await TwoVersionsAsync(world, "good");
        for (int w = 0; w < 3; w++)
        {
            // The bad version's scores moved; the good one's did not. Both inherit version 1's baseline.
            await world.StoreWindowAsync(MonitoringScenario.Samples(bad, 2, 200, seed: 10 + w, WindowAt(w), scoreMean: 0.7));
            await world.StoreWindowAsync(MonitoringScenario.Samples(good, 2, 200, seed: 20 + w, WindowAt(w)));
        }

        var evaluator = world.NewEvaluator();
        world.Clock.SetUtcNow(WindowAt(2).AddMinutes(1));
        var firstTwo = await evaluator.EvaluateDueAsync(CancellationToken.None);
        Assert.Equal(0, firstTwo.Rollbacks);
        Assert.Equal(2, await world.Registry.GetAliasTargetAsync(bad, InferenceService.ServingAlias, CancellationToken.None));

        world.Clock.SetUtcNow(WindowAt(3).AddMinutes(1));
        var third = await evaluator.EvaluateDueAsync(CancellationToken.None);

        Assert.Equal(1, third.Rollbacks);
        Assert.Equal(1, await world.Registry.GetAliasTargetAsync(bad, InferenceService.ServingAlias, CancellationToken.None));
        Assert.Equal(2, await world.Registry.GetAliasTargetAsync(good, InferenceService.ServingAlias, CancellationToken.None));
        var info = await world.Registry.GetModelAsync(bad, CancellationToken.None);
        var rollback = info.AliasHistory.OrderBy(m => m.ChangedAt).Last();
        Assert.Equal(AliasMoveKinds.Rollback, rollback.Kind);
        Assert.Equal(MonitoringEvaluator.GuardrailActor, rollback.ChangedBy);
        Assert.Contains("breached in 3 evaluated windows in a row", rollback.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain((await world.Registry.GetModelAsync(good, CancellationToken.None)).AliasHistory, m => m.Kind == AliasMoveKinds.Rollback);

        var action = Assert.Single(await world.Store.RecentAlertsAsync(bad, 50, [AlertKinds.GuardrailRollback], CancellationToken.None));
        Assert.Equal(bad, action.Model);
        Assert.Equal(2, action.Version);
        Assert.Contains($"Model '{bad}'", action.Evidence, StringComparison.Ordinal);
        Assert.Contains("from version 2 to version 1", action.Evidence, StringComparison.Ordinal);
        Assert.Contains("positive-rate", action.Evidence, StringComparison.Ordinal);
        Assert.Empty(await world.Store.RecentAlertsAsync(good, 50, null, CancellationToken.None));
        var audited = Assert.Single((await world.Audit.QueryAsync(new AuditQuery(Action: AuditActions.GuardrailRollback), 50, null, CancellationToken.None)).Entries);
        Assert.Equal((bad, "platform:monitoring guardrail", 2, "2", "1"), (audited.Chain, audited.Entry.Actor.Subject, audited.Entry.Version, audited.Entry.Before, audited.Entry.After));

        // Evaluating the same window again (a restart that lost the completion) moves nothing a second time.
        Assert.Null(await evaluator.EvaluateWindowAsync(new SampleWindow(bad, WindowAt(2)), CancellationToken.None));
        Assert.Single((await world.Registry.GetModelAsync(bad, CancellationToken.None)).AliasHistory, m => m.Kind == AliasMoveKinds.Rollback);
    }

    [Fact]
    public async Task EvaluateDueAsync_GuardrailActionAlert_HoldsTheRollbackAndSaysWhy()
    {
        var world = await CreateAsync();
        string model = await TwoVersionsAsync(world, "held");
        await world.Specs.PutAsync(model, DemoLikeSpec(new MonitoringSpec(Guardrail: new GuardrailSpec(GuardrailActions.Alert, 1))), "test", CancellationToken.None);
        await world.StoreWindowAsync(MonitoringScenario.Samples(model, 2, 200, seed: 30, WindowAt(0), scoreMean: 0.7));
        world.Clock.SetUtcNow(WindowAt(2));

        var run = await world.NewEvaluator().EvaluateDueAsync(CancellationToken.None);

        Assert.Equal(0, run.Rollbacks);
        Assert.Equal(2, await world.Registry.GetAliasTargetAsync(model, InferenceService.ServingAlias, CancellationToken.None));
        var held = Assert.Single(await world.Store.RecentAlertsAsync(model, 50, [AlertKinds.GuardrailHeld], CancellationToken.None));
        Assert.Contains("guardrail action is \"alert\"", held.Evidence, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EvaluateDueAsync_RetriedAfterACrashBetweenRollbackAndCompletion_AuditsTheRollbackOnce(bool auditedBeforeTheCrash)
    {
        var world = await CreateAsync();
        string model = await TwoVersionsAsync(world, "crash");
        await world.Specs.PutAsync(model, DemoLikeSpec(new MonitoringSpec(Guardrail: new GuardrailSpec(GuardrailActions.Rollback, 1))), "test", CancellationToken.None);
        await world.StoreWindowAsync(MonitoringScenario.Samples(model, 2, 200, seed: 40, WindowAt(0), scoreMean: 0.7));
        world.Clock.SetUtcNow(WindowAt(2));

        // An earlier evaluation of the window rolled back (and perhaps audited), then died before completing the window.
        string operation = MonitoringEvaluator.GuardrailOperation(WindowAt(0), 2);
        var change = await world.Registry.RollbackAsync(model, InferenceService.ServingAlias, MonitoringEvaluator.GuardrailActor, "the attempt that died", 2, operation, CancellationToken.None);
        if (auditedBeforeTheCrash)
        {
            await world.Audit.AppendAsync(new AuditEntry(Actor.Platform("monitoring guardrail"), AuditActions.GuardrailRollback, model, 2, InferenceService.ServingAlias, null,
                "2", "1", "the attempt that died", change.ChangedAt, operation, AuditOutcomes.Succeeded, null), operation, CancellationToken.None);
        }

        var run = await world.NewEvaluator().EvaluateDueAsync(CancellationToken.None);

        Assert.Equal(1, run.Rollbacks);
        Assert.Equal(1, await world.Registry.GetAliasTargetAsync(model, InferenceService.ServingAlias, CancellationToken.None));
        Assert.Single((await world.Registry.GetModelAsync(model, CancellationToken.None)).AliasHistory, m => m.Kind == AliasMoveKinds.Rollback);
        Assert.Single(await world.Store.RecentAlertsAsync(model, 50, [AlertKinds.GuardrailRollback], CancellationToken.None));
        var audited = Assert.Single((await world.Audit.QueryAsync(new AuditQuery(Model: model, Action: AuditActions.GuardrailRollback), 50, null, CancellationToken.None)).Entries);
        Assert.Equal(("2", "1", operation), (audited.Entry.Before, audited.Entry.After, audited.Entry.RequestId));
        Assert.True((await world.Audit.VerifyAsync(model, CancellationToken.None)).Verified);
    }

    private static List<PredictionSample> AsShadow(List<PredictionSample> samples) => samples.ConvertAll(s => s with { Shadow = true });

    [Fact]
    public async Task EvaluateDueAsync_ShadowVersionBreachesThreeWindows_StopsThatShadowAloneAndProductionStays()
    {
        var world = await CreateAsync();
        string model = await TwoVersionsAsync(world, "shadowed");
        world.Clock.Advance(TimeSpan.FromSeconds(1));
        await world.Registry.SetShadowAsync(model, InferenceService.ServingAlias, 1, "test", null, CancellationToken.None);
        for (int w = 0; w < 3; w++)
        {
            // Production (version 2) answers as trained; its shadow (version 1) answers the same requests with moved scores.
            await world.StoreWindowAsync([
                .. MonitoringScenario.Samples(model, 2, 200, seed: 50 + w, WindowAt(w)),
                .. AsShadow(MonitoringScenario.Samples(model, 1, 200, seed: 60 + w, WindowAt(w), scoreMean: 0.7))]);
        }

        world.Clock.SetUtcNow(WindowAt(3).AddMinutes(1));
        var run = await world.NewEvaluator().EvaluateDueAsync(CancellationToken.None);

        Assert.Equal(0, run.Rollbacks);
        var route = await world.Registry.GetAliasRouteAsync(model, InferenceService.ServingAlias, CancellationToken.None);
        Assert.Equal((2, null), (route.Version, route.ShadowVersion));
        var history = (await world.Registry.GetModelAsync(model, CancellationToken.None)).AliasHistory.OrderBy(m => m.ChangedAt).ToList();
        var stop = history[^1];
        Assert.Equal((AliasMoveKinds.ShadowStop, MonitoringEvaluator.GuardrailActor, 1, 2), (stop.Kind, stop.ChangedBy, stop.ShadowVersion, stop.Version));
        Assert.Contains("version 1 (as a shadow) breached in 3 evaluated windows in a row", stop.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(history, m => m.Kind == AliasMoveKinds.Rollback);
        var action = Assert.Single(await world.Store.RecentAlertsAsync(model, 50, [AlertKinds.GuardrailShadowStop, AlertKinds.GuardrailRollback, AlertKinds.GuardrailHeld], CancellationToken.None));
        Assert.Equal((AlertKinds.GuardrailShadowStop, 1, true), (action.Kind, action.Version, action.Shadow));
        Assert.Contains("Shadow stopped", action.Evidence, StringComparison.Ordinal);
        var windows = await world.Store.RecentAsync(model, 10, CancellationToken.None);
        Assert.All(windows, w => Assert.False(w.Versions.Single(v => v.Version == 2).Breached));
        Assert.All(windows, w => Assert.True(w.Versions.Single(v => v.Version == 1 && v.Shadow).Breached));
        var audited = Assert.Single((await world.Audit.QueryAsync(new AuditQuery(Model: model, Action: AuditActions.ShadowStop), 50, null, CancellationToken.None)).Entries);
        Assert.Equal(("platform:monitoring guardrail", 1, "production"), (audited.Entry.Actor.Subject, audited.Entry.Version, audited.Entry.Alias));

        // What GET /models/{name}/monitoring shows: the stop among the guardrail's actions, the shadow's charts a series apart.
        var view = await new MonitoringReader(world.Store, world.Specs, world.Registry, Options.Create(world.Options)).GetAsync(model, null, CancellationToken.None);
        Assert.Equal(AlertKinds.GuardrailShadowStop, Assert.Single(view.GuardrailActions).Kind);
        Assert.Contains(view.Series, c => c.Version == 1 && c.Shadow && c.Points.Count == 3);
        Assert.All(view.Series.Where(c => c.Version == 2), c => Assert.False(c.Shadow));

        // Evaluated again (a restart that lost the completion): nothing is stopped or recorded twice.
        Assert.Null(await world.NewEvaluator().EvaluateWindowAsync(new SampleWindow(model, WindowAt(2)), CancellationToken.None));
        Assert.Single((await world.Registry.GetModelAsync(model, CancellationToken.None)).AliasHistory, m => m.Kind == AliasMoveKinds.ShadowStop);
    }

    [Fact]
    public async Task EvaluateDueAsync_CanaryVersionBreachesThreeWindows_AbortsThatCanaryAloneAndProductionStays()
    {
        var world = await CreateAsync();
        string model = await TwoVersionsAsync(world, "canaried");
        world.Clock.Advance(TimeSpan.FromSeconds(1));
        await world.Registry.SetCanaryAsync(model, InferenceService.ServingAlias, 1, 0.2, "test", null, CancellationToken.None);
        for (int w = 0; w < 3; w++)
        {
            await world.StoreWindowAsync([
                .. MonitoringScenario.Samples(model, 2, 200, seed: 70 + w, WindowAt(w)),
                .. MonitoringScenario.Samples(model, 1, 200, seed: 80 + w, WindowAt(w), scoreMean: 0.7)]);
        }

        world.Clock.SetUtcNow(WindowAt(3).AddMinutes(1));
        var run = await world.NewEvaluator().EvaluateDueAsync(CancellationToken.None);

        Assert.Equal(0, run.Rollbacks);
        var route = await world.Registry.GetAliasRouteAsync(model, InferenceService.ServingAlias, CancellationToken.None);
        Assert.Equal((2, null), (route.Version, route.CanaryVersion));
        var abort = (await world.Registry.GetModelAsync(model, CancellationToken.None)).AliasHistory.OrderBy(m => m.ChangedAt).Last();
        Assert.Equal((AliasMoveKinds.CanaryAbort, MonitoringEvaluator.GuardrailActor, 1, 2), (abort.Kind, abort.ChangedBy, abort.CanaryVersion, abort.Version));
        var action = Assert.Single(await world.Store.RecentAlertsAsync(model, 50, [AlertKinds.GuardrailCanaryAbort, AlertKinds.GuardrailRollback, AlertKinds.GuardrailHeld], CancellationToken.None));
        Assert.Equal((AlertKinds.GuardrailCanaryAbort, 1, false), (action.Kind, action.Version, action.Shadow));
        Assert.Contains("every request to 'production' goes to version 2 again", action.Evidence, StringComparison.Ordinal);
        var audited = Assert.Single((await world.Audit.QueryAsync(new AuditQuery(Model: model, Action: AuditActions.CanaryAbort), 50, null, CancellationToken.None)).Entries);
        Assert.Equal(("platform:monitoring guardrail", 1), (audited.Entry.Actor.Subject, audited.Entry.Version));
    }

    [Fact]
    public async Task EvaluateDueAsync_VersionBreachedAsShadowThenPromoted_ShadowWindowsDoNotCountTowardsItsRollback()
    {
        var world = await CreateAsync();
        string model = await TwoVersionsAsync(world, "promoted");
        world.Clock.Advance(TimeSpan.FromSeconds(1));
        await world.Registry.SetShadowAsync(model, InferenceService.ServingAlias, 1, "test", null, CancellationToken.None);
        for (int w = 0; w < 2; w++)
        {
            await world.StoreWindowAsync([
                .. MonitoringScenario.Samples(model, 2, 200, seed: 90 + w, WindowAt(w)),
                .. AsShadow(MonitoringScenario.Samples(model, 1, 200, seed: 100 + w, WindowAt(w), scoreMean: 0.7))]);
        }

        var evaluator = world.NewEvaluator();
        world.Clock.SetUtcNow(WindowAt(2).AddMinutes(1));
        Assert.Equal(2, (await evaluator.EvaluateDueAsync(CancellationToken.None)).Evaluated);

        // Version 1 is promoted anyway and, serving, breaches once: one served window, not three, in its run.
        await world.Registry.SetAliasAsync(model, InferenceService.ServingAlias, 1, "test", CancellationToken.None);
        await world.StoreWindowAsync(MonitoringScenario.Samples(model, 1, 200, seed: 110, WindowAt(2), scoreMean: 0.7));
        world.Clock.SetUtcNow(WindowAt(3).AddMinutes(1));
        var run = await evaluator.EvaluateDueAsync(CancellationToken.None);

        Assert.Equal(1, run.Evaluated);
        Assert.Equal(0, run.Rollbacks);
        Assert.True(Assert.Single((await world.Store.RecentAsync(model, 1, CancellationToken.None)).Single().Versions).Breached);
        Assert.Equal(1, await world.Registry.GetAliasTargetAsync(model, InferenceService.ServingAlias, CancellationToken.None));
        Assert.Empty(await world.Store.RecentAlertsAsync(model, 50, [AlertKinds.GuardrailRollback, AlertKinds.GuardrailHeld, AlertKinds.GuardrailShadowStop], CancellationToken.None));
    }

    private static ModelSpec DemoLikeSpec(MonitoringSpec monitoring) => new(
        "binary",
        new DataSpec("training-data/loans.csv", Label: new LabelSpec("approved", ["yes"]), Features: [new FeatureSpec("income", FeatureTypes.Numeric)]),
        new TrainerSpec("fasttree"),
        Monitoring: monitoring);
}
