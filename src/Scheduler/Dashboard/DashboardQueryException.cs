namespace Scheduler.Dashboard;

/// <summary>A page's query parameter is invalid; the page answers 400 with this message instead of guessing.</summary>
internal sealed class DashboardQueryException : Exception
{
    public DashboardQueryException()
    {
    }

    public DashboardQueryException(string message)
        : base(message)
    {
    }

    public DashboardQueryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
