namespace Serverless.Functions.Identity;

/// <summary>Declares an HTTP function open to anyone, without a token: health, server metadata, the not-found answer.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class PublicAttribute : Attribute;
