using Serverless.Core.Batch;
using Serverless.Testing;

namespace Serverless.Core.Tests.Batch;

public sealed class BlobCreatedEventTests
{
    [Fact]
    public void Parse_EventGridSchemaEvent_ContainerAndPath()
    {
        var created = BlobCreatedEvent.Parse(EventGridEvents.BlobCreated("batch-inputs", "churn/2026/12/customers.csv"));

        Assert.True(created.IsBlobCreated);
        Assert.Equal("batch-inputs", created.Container);
        Assert.Equal("churn/2026/12/customers.csv", created.Path);
    }

    [Fact]
    public void Parse_CloudEventInAnArray_ContainerAndPath()
    {
        var created = BlobCreatedEvent.Parse("""[{"specversion": "1.0", "type": "Microsoft.Storage.BlobCreated", "id": "1", "subject": "blobServices/default/containers/in/blobs/m/a.parquet", "data": {}}]""");

        Assert.Equal(("in", "m/a.parquet"), (created.Container, created.Path));
    }

    [Fact]
    public void Parse_AnotherEventType_NotBlobCreated()
    {
        var deleted = BlobCreatedEvent.Parse("""{"eventType": "Microsoft.Storage.BlobDeleted", "subject": "/blobServices/default/containers/in/blobs/m/a.csv"}""");

        Assert.False(deleted.IsBlobCreated);
    }

    [Theory]
    [InlineData("not json", "not JSON")]
    [InlineData("""{"subject": "/blobServices/default/containers/in/blobs/a.csv"}""", "eventType")]
    [InlineData("""{"eventType": "Microsoft.Storage.BlobCreated", "subject": "/queueServices/default/queues/q"}""", "not a blob")]
    [InlineData("[1, 2]", "not an Event Grid event")]
    public void Parse_NotABlobEvent_ThrowsSayingWhy(string message, string reason)
    {
        var ex = Assert.Throws<FormatException>(() => BlobCreatedEvent.Parse(message));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }
}
