using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Options;
using Serverless.Core.Registry;
using Serverless.Core.Serving;
using Serverless.Core.Serving.Shadow;

namespace Serverless.Core.Tests.Serving.Shadow;

public sealed class ShadowQueueTests
{
    private static ShadowRequest Request(string model) => new(
        "production",
        1,
        new ModelVersionInfo(model, 2, "", 0, "", new ModelSignature([], []), DateTimeOffset.UnixEpoch, new RegistrationMetadata("tests")),
        ServingMetrics.Records,
        Encoding.UTF8.GetBytes("{}"),
        Encoding.UTF8.GetBytes("{}"));

    [Fact]
    public void Offer_MoreThanTheCapacity_KeepsTheFirstDropsAndCountsTheRestOnTheMeter()
    {
        using var queue = new ShadowQueue(Options.Create(new ServingOptions { ShadowQueueCapacity = 2 }));
        long droppedOnMeter = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ShadowQueue.MeterName && instrument.Name == "serverless.serving.shadow.dropped")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref droppedOnMeter, value));
        listener.Start();

        for (int i = 0; i < 5; i++)
        {
            queue.Offer(Request("m"));
        }

        Assert.Equal(3, queue.DroppedOf("m"));
        Assert.Equal(3, droppedOnMeter);
        Assert.Equal(2, queue.Reader.Count);
    }

    [Fact]
    public void TakeChangedCounts_ReportsEachChangeOnce()
    {
        using var queue = new ShadowQueue(Options.Create(new ServingOptions { ShadowQueueCapacity = 1 }));
        queue.Offer(Request("m"));
        queue.Offer(Request("m"));
        queue.Failed("m");

        var first = queue.TakeChangedCounts();
        var second = queue.TakeChangedCounts();
        queue.Offer(Request("m"));
        var third = queue.TakeChangedCounts();

        Assert.Equal([("m", 1L, 1L)], first);
        Assert.Empty(second);
        Assert.Equal([("m", 2L, 1L)], third);
    }
}
