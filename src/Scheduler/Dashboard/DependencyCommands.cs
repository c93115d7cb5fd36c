using Hangfire.Dashboard;
using Scheduler.Marts.Live;
using Scheduler.Runs;
using Scheduler.Runs.Triggers;

namespace Scheduler.Dashboard;

/// <summary>The Marts page's "Run with downstream": a manual run whose success starts the marts that depend on it.</summary>
internal static class DependencyCommands
{
    /// <summary>Run now with <c>downstream</c> for the mart named in the route.</summary>
    public static async Task<(int, CommandOutcome)> RunWithDownstreamAsync(DashboardContext context, IRunTrigger runs, CancellationToken cancellationToken)
    {
        var name = Uri.UnescapeDataString(context.UriMatch.Groups["name"].Value);
        var state = context.GetHttpContext().RequestServices.GetRequiredService<Scheduler.Marts.Live.LiveMartCatalog>().FindState(name);
        if (state is { Definition: null })
        {
            return (StatusCodes.Status409Conflict, new CommandOutcome("refused",
                $"Mart '{name}' cannot run: its definition has problems and it was never valid since start-up."));
        }

        var result = await runs.TriggerAsync(name, new RunRequest(RunTrigger.Manual) { Downstream = true }, cancellationToken).ConfigureAwait(false);
        var url = new UrlHelper(context);
        return result.Outcome switch
        {
            TriggerOutcome.Started => (StatusCodes.Status200OK, new CommandOutcome("started",
                $"Started run {result.Run!.RunId:D} of mart '{name}'; the marts that depend on it run after it succeeds.", result.Run.RunId,
                url.To($"/marts/runs/{result.Run.RunId:D}"))),
            TriggerOutcome.Skipped => (StatusCodes.Status409Conflict, new CommandOutcome("skipped",
                $"Skipped: run {result.ActiveRunId:D} of mart '{name}' is still active.", result.Run?.RunId)),
            TriggerOutcome.Refused => (StatusCodes.Status409Conflict, new CommandOutcome("refused", "Refused: " + result.Reason)),
            _ => (StatusCodes.Status404NotFound, new CommandOutcome("not-found", $"No mart is named '{name}'.")),
        };
    }
}
