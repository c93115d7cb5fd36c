using Hangfire.Dashboard;
using Scheduler.Api;
using Scheduler.Backfills;
using Scheduler.Marts.Live;
using Scheduler.Redshift.Model;

namespace Scheduler.Dashboard;

/// <summary>The dashboard's Start backfill (the form) and Cancel backfill commands; answered by <see cref="DashboardCommandDispatcher"/>.</summary>
internal static class BackfillCommands
{
    /// <summary>What a read-only user is told.</summary>
    public const string ReadOnlyMessage = "Read-only access: backfills need the Admin role.";

    /// <summary>Starts a backfill of the mart in the route from the posted form.</summary>
    public static async Task<(int, CommandOutcome)> StartAsync(DashboardContext context, IServiceProvider services, CancellationToken cancellationToken)
    {
        var name = Uri.UnescapeDataString(context.UriMatch.Groups["name"].Value);
        if (services.GetRequiredService<LiveMartCatalog>().FindState(name)?.Definition is not { } mart)
        {
            return (StatusCodes.Status404NotFound, new CommandOutcome("not-found", $"No valid mart is named '{name}'."));
        }

        if (!mart.Enabled)
        {
            return (StatusCodes.Status409Conflict, new CommandOutcome("refused", $"Mart '{name}' is disabled, so it cannot run."));
        }

        async Task<string?> Field(string key) => (await context.Request.GetFormValuesAsync(key).ConfigureAwait(false)).FirstOrDefault();
        var from = await Field("from").ConfigureAwait(false);
        var to = await Field("to").ConfigureAwait(false);
        var max = await Field("maxConcurrent").ConfigureAwait(false);
        var rerun = await Field("rerun").ConfigureAwait(false);
        var downstream = await Field("downstream").ConfigureAwait(false) == "true";
        if (!BackfillBody.TryReadForm(mart, from, to, max, rerun, downstream, out var request, out var field, out var expected))
        {
            return (StatusCodes.Status400BadRequest, new CommandOutcome("invalid", $"{field}: expected {expected}."));
        }

        var user = context.GetHttpContext().User.Identity?.Name;
        var (progress, badField, problem) = await services.GetRequiredService<BackfillService>().CreateAsync(mart, request, user, cancellationToken).ConfigureAwait(false);
        if (progress is null)
        {
            return (StatusCodes.Status400BadRequest, new CommandOutcome("invalid", $"{badField}: expected {problem}."));
        }

        var url = new UrlHelper(context).To($"/marts/backfills/{progress.Backfill.BackfillId:D}");
        return (StatusCodes.Status200OK, new CommandOutcome("started",
            $"Started backfill {progress.Backfill.BackfillId:D}: {progress.Totals.Planned - progress.Totals.Excluded} of {progress.Totals.Planned} dates to run.",
            null, url));
    }

    /// <summary>Cancels the backfill in the route.</summary>
    public static async Task<(int, CommandOutcome)> CancelAsync(DashboardContext context, IServiceProvider services, CancellationToken cancellationToken)
    {
        var id = Guid.Parse(context.UriMatch.Groups["backfillId"].Value);
        var user = context.GetHttpContext().User.Identity?.Name;
        var (progress, cancelled) = await services.GetRequiredService<BackfillService>().CancelAsync(id, user, cancellationToken).ConfigureAwait(false);
        return progress is null
            ? (StatusCodes.Status404NotFound, new CommandOutcome("not-found", $"No backfill has the id {id:D}."))
            : cancelled || progress.Backfill.Status == BackfillStatus.Cancelled
                ? (StatusCodes.Status200OK, new CommandOutcome("cancelled", $"Backfill {id:D} cancelled: no new run starts; runs already started go on."))
                : (StatusCodes.Status409Conflict, new CommandOutcome("not-active", $"Backfill {id:D} has already {progress.Backfill.Status.ToString().ToLowerInvariant()}."));
    }
}
