using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serverless.Core.Monitoring;
using Serverless.Core.Monitoring.Sampling;

namespace Serverless.Core.Tests.Monitoring.Sampling;

public sealed class MonitoringOptionsValidatorTests
{
    [Theory]
    [InlineData("SampleRate", "1.5", "Monitoring__SampleRate")]
    [InlineData("SampleRateRefresh", "00:00:00", "Monitoring__SampleRateRefresh")]
    [InlineData("BufferCapacity", "0", "Monitoring__BufferCapacity")]
    [InlineData("BatchSize", "0", "Monitoring__BatchSize")]
    [InlineData("FlushInterval", "00:00:00", "Monitoring__FlushInterval")]
    [InlineData("SampleQueue", "Bad_Queue", "Monitoring__SampleQueue")]
    [InlineData("SampleTable", "bad-table", "Monitoring__SampleTable")]
    [InlineData("SampleContainer", "x", "Monitoring__SampleContainer")]
    [InlineData("WindowLength", "00:07:00", "Monitoring__WindowLength")]
    [InlineData("WindowLength", "00:00:05", "Monitoring__WindowLength")]
    [InlineData("EvaluationSchedule", "*/5 * * * *", "Monitoring__EvaluationSchedule")]
    [InlineData("EvaluationDelay", "-00:00:01", "Monitoring__EvaluationDelay")]
    [InlineData("EvaluationConcurrency", "0", "Monitoring__EvaluationConcurrency")]
    [InlineData("EvaluationTable", "bad-table", "Monitoring__EvaluationTable")]
    [InlineData("AlertQueue", "Bad_Queue", "Monitoring__AlertQueue")]
    [InlineData("BaselineContainer", "x", "Monitoring__BaselineContainer")]
    [InlineData("MinimumSamples", "1", "Monitoring__MinimumSamples")]
    [InlineData("ControlLimitSigma", "7", "Monitoring__ControlLimitSigma")]
    [InlineData("PsiThreshold", "0", "Monitoring__PsiThreshold")]
    [InlineData("PValueThreshold", "1", "Monitoring__PValueThreshold")]
    [InlineData("GuardrailAction", "delete", "Monitoring__GuardrailAction")]
    [InlineData("GuardrailWindows", "0", "Monitoring__GuardrailWindows")]
    [InlineData("HistoryWindows", "0", "Monitoring__HistoryWindows")]
    public async Task StartAsync_BadMonitoringSetting_StopsStartUpNamingIt(string key, string value, string expected)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Monitoring:" + key] = value });
        builder.Services.AddSingleton(new QueueServiceClient("UseDevelopmentStorage=true"));
        builder.Services.AddSingleton(new TableServiceClient("UseDevelopmentStorage=true"));
        builder.Services.AddSingleton(new BlobServiceClient("UseDevelopmentStorage=true"));
        builder.Services.AddMonitoring(builder.Configuration);
        using var host = builder.Build();

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_Pass()
    {
        Assert.True(new MonitoringOptionsValidator().Validate(null, new MonitoringOptions()).Succeeded);
    }
}
