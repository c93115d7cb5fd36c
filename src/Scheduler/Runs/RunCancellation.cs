using Microsoft.Extensions.Logging;
using Scheduler.Redshift;
using Scheduler.Redshift.Model;

namespace Scheduler.Runs;

/// <summary>CancelStatement, best effort: the poll that follows confirms (ABORTED) or asks again.</summary>
internal static partial class RunCancellation
{
    public static async Task TryCancelStatementAsync(IRedshiftDataClient redshift, ILogger logger, RunRecord run, CancellationToken cancellationToken)
    {
        try
        {
            var response = await redshift.CancelStatementAsync(new CancelStatementRequest { Id = run.StatementId! }, cancellationToken).ConfigureAwait(false);
            LogCancelRequested(logger, run.RunId, run.StatementId!, response.Status);
        }
#pragma warning disable CA1031 // best effort: a statement already ended refuses the cancel, and the next poll sees why
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            LogCancelFailed(logger, run.RunId, run.StatementId!, RunErrors.Describe(ex));
        }
    }

    [LoggerMessage(EventId = 1300, Level = LogLevel.Information, Message = "Run {RunId}: CancelStatement {StatementId} answered {Accepted}")]
    private static partial void LogCancelRequested(ILogger logger, Guid runId, string statementId, bool accepted);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Run {RunId}: CancelStatement {StatementId} failed (the next poll tries again): {Error}")]
    private static partial void LogCancelFailed(ILogger logger, Guid runId, string statementId, string error);
}
