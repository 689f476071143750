namespace Serverless.LocalRuntime.Worker;

/// <summary>The app uses a binding this host does not serve; start-up stops with this message.</summary>
internal sealed class UnsupportedBindingException : Exception
{
    public UnsupportedBindingException()
    {
    }

    public UnsupportedBindingException(string message)
        : base(message)
    {
    }

    public UnsupportedBindingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
