namespace Serverless.Cli;

/// <summary>A local input is wrong (a file that is not JSON, an invalid URL); its message says what to change.</summary>
internal sealed class CliInputException(string message) : Exception(message);
