using System.Text.Json;

namespace Serverless.Infra.Tests;

/// <summary>The Event Grid subscription that turns files landing in the batch input container into queue messages.</summary>
public sealed class BatchEventsTemplateTests(MainTemplateTests.CompiledMain compiled) : IClassFixture<MainTemplateTests.CompiledMain>
{
    private readonly CompiledTemplate _template = compiled.Template;

    [Fact]
    public void EventSubscription_BlobCreatedUnderTheInputContainerToTheEventQueueWithItsOwnIdentity()
    {
        var subscription = _template.SingleOfType("Microsoft.EventGrid/systemTopics/eventSubscriptions").GetProperty("properties");
        var topic = _template.SingleOfType("Microsoft.EventGrid/systemTopics");
        var filter = subscription.GetProperty("filter");
        var delivery = subscription.GetProperty("deliveryWithResourceIdentity");

        Assert.Equal("Microsoft.Storage.StorageAccounts", topic.GetProperty("properties").GetProperty("topicType").GetString());
        Assert.Equal("SystemAssigned", topic.GetProperty("identity").GetProperty("type").GetString());
        Assert.Equal(["Microsoft.Storage.BlobCreated"], filter.GetProperty("includedEventTypes").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("parameters('inputContainerName')", filter.GetProperty("subjectBeginsWith").GetString(), StringComparison.Ordinal);
        Assert.Equal("EventGridSchema", subscription.GetProperty("eventDeliverySchema").GetString());
        Assert.Equal("SystemAssigned", delivery.GetProperty("identity").GetProperty("type").GetString());
        Assert.Equal("StorageQueue", delivery.GetProperty("destination").GetProperty("endpointType").GetString());
        Assert.Contains("eventQueueName", delivery.GetProperty("destination").GetProperty("properties").GetProperty("queueName").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EventGridIdentity_MaySendQueueMessagesOnly()
    {
        var deployment = _template.DeploymentDeclaring("Microsoft.EventGrid/systemTopics");
        var template = deployment.GetProperty("properties").GetProperty("template");
        var role = template.GetProperty("resources").EnumerateArray().Single(r => r.GetProperty("type").GetString() == "Microsoft.Authorization/roleAssignments");

        Assert.Equal("c6a89b2d-59bc-44d0-9896-0f6e12d7b80a", template.GetProperty("variables").GetProperty("queueMessageSenderRoleId").GetString());
        Assert.Contains("systemTopics", role.GetProperty("properties").GetProperty("principalId").GetString(), StringComparison.Ordinal);
        Assert.Equal("ServicePrincipal", role.GetProperty("properties").GetProperty("principalType").GetString());
    }

    [Fact]
    public void AppSettings_BatchAndScoringSettingsSet()
    {
        var settings = _template.DeploymentDeclaring("Microsoft.Web/sites").GetProperty("properties").GetProperty("parameters").GetProperty("appSettings").GetProperty("value");

        foreach (string name in new[] { "Batch__ChunkRows", "Batch__MaxParallelChunks", "Batch__InputContainers", "Batch__OutputContainers", "Batch__EventQueue", "Scoring__RequestQueue", "Scoring__ResultQueue" })
        {
            Assert.True(settings.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String, $"app setting {name} is missing");
        }

        Assert.Contains("batchevents", settings.GetProperty("Batch__EventQueue").GetString(), StringComparison.Ordinal);
    }
}
