using Hangfire.Dashboard;
using Scheduler.Runs;

namespace Scheduler.Dashboard;

/// <summary>The dashboard's Run now and Cancel commands; answered by <see cref="DashboardCommandDispatcher"/>.</summary>
internal static class RunCommands
{
    /// <summary>What a read-only user is told.</summary>
    public const string ReadOnlyMessage = "Read-only access: Run now and Cancel need the Admin role.";

    /// <summary>Run now for the mart named in the route.</summary>
    public static async Task<(int, CommandOutcome)> RunNowAsync(DashboardContext context, IRunTrigger runs, CancellationToken cancellationToken)
    {
        var name = Uri.UnescapeDataString(context.UriMatch.Groups["name"].Value);
        var state = context.GetHttpContext().RequestServices.GetRequiredService<Scheduler.Marts.Live.LiveMartCatalog>().FindState(name);
        if (state is { Definition: null })
        {
            return (StatusCodes.Status409Conflict, new CommandOutcome("refused",
                $"Mart '{name}' cannot run: its definition has problems and it was never valid since start-up."));
        }

        var result = await runs.TriggerAsync(name, RunTrigger.Manual, cancellationToken).ConfigureAwait(false);
        var url = new UrlHelper(context);
        return result.Outcome switch
        {
            TriggerOutcome.Started => (StatusCodes.Status200OK, new CommandOutcome("started",
                $"Started run {result.Run!.RunId:D} of mart '{name}'.", result.Run.RunId, url.To($"/marts/runs/{result.Run.RunId:D}"))),
            TriggerOutcome.Skipped => (StatusCodes.Status409Conflict, new CommandOutcome("skipped",
                $"Skipped: run {result.ActiveRunId:D} of mart '{name}' is still active.", result.Run?.RunId)),
            TriggerOutcome.Refused => (StatusCodes.Status409Conflict, new CommandOutcome("refused", "Refused: " + result.Reason)),
            _ => (StatusCodes.Status404NotFound, new CommandOutcome("not-found", $"No mart is named '{name}'.")),
        };
    }

    /// <summary>Cancel for the run in the route.</summary>
    public static async Task<(int, CommandOutcome)> CancelAsync(DashboardContext context, IRunTrigger runs, CancellationToken cancellationToken)
    {
        var runId = Guid.Parse(context.UriMatch.Groups["runId"].Value);
        var result = await runs.CancelAsync(runId, cancellationToken).ConfigureAwait(false);
        return result.Outcome switch
        {
            CancelOutcome.Requested when result.Run is { Status: RunStatus.Cancelled, StatementId: null } => (StatusCodes.Status200OK,
                new CommandOutcome("cancelled", $"Run {runId:D} was cancelled before anything reached Redshift.", runId)),
            CancelOutcome.Requested => (StatusCodes.Status200OK,
                new CommandOutcome("cancelling", result.Run?.StatementId is null
                    ? $"Cancelling run {runId:D}: its batch may have reached Redshift, so it is being looked up (and aborted if found)."
                    : $"Cancelling run {runId:D}: Redshift was asked to abort the statement.", runId)),
            CancelOutcome.NotActive => (StatusCodes.Status409Conflict,
                new CommandOutcome("not-active", $"Run {runId:D} has already ended ({result.Run?.Status}).", runId)),
            _ => (StatusCodes.Status404NotFound, new CommandOutcome("not-found", $"No run has the id {runId:D}.")),
        };
    }
}
