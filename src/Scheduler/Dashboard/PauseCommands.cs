using Hangfire.Dashboard;
using Scheduler.Marts.Live;
using Scheduler.Pausing;

namespace Scheduler.Dashboard;

/// <summary>The dashboard's Pause and Resume commands, for one mart and for everything; answered by <see cref="DashboardCommandDispatcher"/>.</summary>
internal static class PauseCommands
{
    /// <summary>What a read-only user is told.</summary>
    public const string ReadOnlyMessage = "Read-only access: pausing and resuming need the Admin role.";

    public static Task<(int, CommandOutcome)> PauseMartAsync(DashboardContext context, IServiceProvider services, CancellationToken cancellationToken) =>
        ForMartAsync(context, services, pause: true, cancellationToken);

    public static Task<(int, CommandOutcome)> ResumeMartAsync(DashboardContext context, IServiceProvider services, CancellationToken cancellationToken) =>
        ForMartAsync(context, services, pause: false, cancellationToken);

    public static async Task<(int, CommandOutcome)> PauseAllAsync(DashboardContext context, IServiceProvider services, CancellationToken cancellationToken)
    {
        var user = context.GetHttpContext().User.Identity?.Name;
        await services.GetRequiredService<PauseStore>().PauseAllAsync(user, cancellationToken).ConfigureAwait(false);
        return (StatusCodes.Status200OK, new CommandOutcome("paused",
            "Paused: no new run of any mart starts until you resume. Runs already in Redshift continue and are followed."));
    }

    public static async Task<(int, CommandOutcome)> ResumeAllAsync(DashboardContext context, IServiceProvider services, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<PauseStore>().ResumeAllAsync(cancellationToken).ConfigureAwait(false);
        return (StatusCodes.Status200OK, new CommandOutcome("resumed", "Resumed: runs start again."));
    }

    private static async Task<(int, CommandOutcome)> ForMartAsync(DashboardContext context, IServiceProvider services, bool pause, CancellationToken cancellationToken)
    {
        var name = Uri.UnescapeDataString(context.UriMatch.Groups["name"].Value);
        if (services.GetRequiredService<LiveMartCatalog>().FindState(name) is null)
        {
            return (StatusCodes.Status404NotFound, new CommandOutcome("not-found", $"No mart is named '{name}'."));
        }

        var store = services.GetRequiredService<PauseStore>();
        if (pause)
        {
            await store.PauseMartAsync(name, context.GetHttpContext().User.Identity?.Name, cancellationToken).ConfigureAwait(false);
            return (StatusCodes.Status200OK, new CommandOutcome("paused",
                $"Paused mart '{name}': its scheduled runs do not start until you resume it. Run now still works."));
        }

        await store.ResumeMartAsync(name, cancellationToken).ConfigureAwait(false);
        return (StatusCodes.Status200OK, new CommandOutcome("resumed", $"Resumed mart '{name}': its schedule applies again."));
    }
}
