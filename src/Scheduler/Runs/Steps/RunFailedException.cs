using Scheduler.Sql;

namespace Scheduler.Runs.Steps;

/// <summary>
/// Thrown by a run job after it recorded a Failed run, so the job lands in Hangfire's Failed list with the error.
/// Never retried: the ledger already holds the outcome.
/// </summary>
internal sealed class RunFailedException : Exception
{
    public RunFailedException()
    {
    }

    public RunFailedException(string message)
        : base(message)
    {
    }

    public RunFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a run and its error.</summary>
    public RunFailedException(Guid runId, string mart, string error)
        : base($"Run {runId} of mart '{mart}' failed: {Sql.SecretRedactor.Redact(error)}")
    {
        RunId = runId;
        Mart = mart;
    }

    public Guid RunId { get; }

    public string? Mart { get; }
}
