namespace Scheduler.Alerts;

/// <summary>A failure alert could not be delivered within its attempts; the job ends Failed with this message.</summary>
internal sealed class AlertDeliveryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AlertDeliveryException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public AlertDeliveryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public AlertDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
