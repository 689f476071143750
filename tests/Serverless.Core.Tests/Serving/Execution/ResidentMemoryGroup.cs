namespace Serverless.Core.Tests.Serving.Execution;

/// <summary>Tests that measure the process's resident memory: run alone, after the others.</summary>
[CollectionDefinition(nameof(ResidentMemoryGroup), DisableParallelization = true)]
public sealed class ResidentMemoryGroup;
