using Microsoft.DurableTask;
using Serverless.Core.Orchestrations.Retraining;

namespace Serverless.Core.Tests.Orchestrations.Retraining;

public sealed class ActivityFailuresTests
{
    // The shape the isolated worker reports an activity's exception in (abridged from a real storage outage).
    private const string StorageOutage = """
        { "errorType": "System.AggregateException", "errorMessage": "Retry failed after 4 tries. (Connection refused (127.0.0.1:37293))", "stackTrace": "   at ...",
          "innerFailure": { "errorType": "Azure.RequestFailedException", "errorMessage": "Connection refused (127.0.0.1:37293)", "stackTrace": "   at ...",
            "innerFailure": { "errorType": "System.Net.Sockets.SocketException", "errorMessage": "Connection refused", "stackTrace": "   at ..." } } }
        """;

    private const string BadData = """
        { "errorType": "Serverless.Core.Training.TrainingDataException", "errorMessage": "The data has no column 'credit_score'.", "stackTrace": "   at ..." }
        """;

    [Fact]
    public void IsTransient_WorkerReportedStorageOutage_True() =>
        Assert.True(ActivityFailures.IsTransient(new TaskFailureDetails("(unknown)", StorageOutage, null, null, null)));

    [Fact]
    public void IsTransient_DataErrorCausedByAMissingBlob_False() =>
        Assert.False(ActivityFailures.IsTransient(new TaskFailureDetails("(unknown)", """
            { "errorType": "Serverless.Core.Training.TrainingDataException", "errorMessage": "There is no blob 'training-data/x.csv'.",
              "innerFailure": { "errorType": "Azure.RequestFailedException", "errorMessage": "The specified blob does not exist." } }
            """, null, null, null)));

    [Fact]
    public void IsTransient_BadData_False() =>
        Assert.False(ActivityFailures.IsTransient(new TaskFailureDetails("(unknown)", BadData, null, null, null)));

    [Fact]
    public void IsTransient_PlainStorageFailure_True() =>
        Assert.True(ActivityFailures.IsTransient(new TaskFailureDetails("Azure.RequestFailedException", "Service unavailable", null, null, null)));

    [Fact]
    public void Message_WorkerReportedJson_TheExceptionsOwnMessageWithoutStack() =>
        Assert.Equal("The data has no column 'credit_score'.", ActivityFailures.Message(new TaskFailureDetails("(unknown)", BadData, null, null, null)));

    [Fact]
    public void Message_PlainText_Unchanged() =>
        Assert.Equal("no rows", ActivityFailures.Message(new TaskFailureDetails("System.InvalidOperationException", "no rows", null, null, null)));
}
