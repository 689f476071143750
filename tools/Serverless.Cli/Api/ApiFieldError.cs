namespace Serverless.Cli.Api;

/// <summary>One entry of an error body's <c>errors</c> list, such as a spec validation error.</summary>
/// <param name="Field">Where, as the API names it (a JSON path like <c>data.features[0].type</c>).</param>
/// <param name="Message">What is wrong, as the API says it.</param>
internal sealed record ApiFieldError(string Field, string Message);
