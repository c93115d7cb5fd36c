using Hangfire.Dashboard;
using Scheduler.Marts;
using Scheduler.Marts.Calendar;
using Scheduler.Marts.Live;
using Scheduler.Marts.Parameters;
using Scheduler.Redshift.Model;
using Scheduler.Runs;
using Scheduler.Runs.Triggers;

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

        var request = new RunRequest(RunTrigger.Manual);
        var http = context.GetHttpContext();
        var mart = http.RequestServices.GetRequiredService<Scheduler.Marts.IMartCatalog>().Find(name);
        if (http.Request.HasFormContentType && mart is not null)
        {
            var form = await http.Request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
            var (read, problem) = ReadForm(mart, form);
            if (problem is not null)
            {
                return (StatusCodes.Status400BadRequest, new CommandOutcome("invalid", problem));
            }

            request = read!;
        }

        var result = await runs.TriggerAsync(name, request, cancellationToken).ConfigureAwait(false);
        var url = new UrlHelper(context);
        return result.Outcome switch
        {
            TriggerOutcome.Started => (StatusCodes.Status200OK, new CommandOutcome("started",
                $"Started run {result.Run!.RunId:D} of mart '{name}'.", result.Run.RunId, url.To($"/marts/runs/{result.Run.RunId:D}"))),
            TriggerOutcome.Skipped => (StatusCodes.Status409Conflict, new CommandOutcome("skipped",
                $"Skipped: run {result.ActiveRunId:D} of mart '{name}' is still active.", result.Run?.RunId)),
            TriggerOutcome.Refused => (StatusCodes.Status409Conflict, new CommandOutcome("refused", "Refused: " + result.Reason)),
            TriggerOutcome.Invalid => (StatusCodes.Status400BadRequest, new CommandOutcome("invalid", result.Reason ?? $"{result.Field}: invalid.")),
            _ => (StatusCodes.Status404NotFound, new CommandOutcome("not-found", $"No mart is named '{name}'.")),
        };
    }

    /// <summary>
    /// The Run now form: <c>logicalDate</c> (empty: now; see <see cref="LogicalDateParser"/>), <c>parameters.&lt;name&gt;</c>
    /// (empty or the default: not overridden) and <c>downstream</c>. A bad value is named (<c>logicalDate: expected …</c>);
    /// overrides are checked by the trigger (<see cref="MartParameters.CheckOverrides"/>).
    /// </summary>
    internal static (RunRequest? Request, string? Problem) ReadForm(Scheduler.Marts.MartDefinition mart, IFormCollection form)
    {
        ArgumentNullException.ThrowIfNull(mart);
        ArgumentNullException.ThrowIfNull(form);
        DateTimeOffset? logicalDate = null;
        var dateText = form["logicalDate"].ToString();
        if (!string.IsNullOrWhiteSpace(dateText))
        {
            if (!LogicalDateParser.TryParse(mart, dateText, out var parsed))
            {
                return (null, $"logicalDate: expected {LogicalDateParser.Expected}; got '{dateText}'.");
            }

            logicalDate = parsed;
        }

        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in form)
        {
            if (!key.StartsWith("parameters.", StringComparison.Ordinal))
            {
                continue;
            }

            var parameter = key["parameters.".Length..];
            var value = values.ToString();
            if (value.Length > 0 && !(mart.Parameters.TryGetValue(parameter, out var byDefault) && byDefault == value))
            {
                overrides[parameter] = value;
            }
        }

        var downstream = form["downstream"].ToString();
        return (new RunRequest(RunTrigger.Manual)
        {
            LogicalDate = logicalDate,
            Parameters = overrides.Count == 0 ? null : overrides,
            Downstream = downstream is "true" or "on",
        }, null);
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
