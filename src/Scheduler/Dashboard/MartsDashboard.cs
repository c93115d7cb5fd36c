using Hangfire.Dashboard;
using Scheduler.Api;
using Scheduler.Audit;
using Scheduler.Backfills;
using Scheduler.Marts;
using Scheduler.Marts.Live;
using Scheduler.Pausing;
using Scheduler.Runs;
using Scheduler.Runs.Store;
using Scheduler.Runs.Triggers;

namespace Scheduler.Dashboard;

/// <summary>
/// Adds the Marts pages and commands to Hangfire's dashboard (its static route collection and navigation menu),
/// once per process. Pages resolve their services from the request, so they serve whichever host handles it.
/// </summary>
internal static class MartsDashboard
{
    private const string RunIdPattern = "(?<runId>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})";
    private const string BackfillIdPattern = "(?<backfillId>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})";
    private const string MartPattern = "(?<name>[A-Za-z0-9][A-Za-z0-9_-]{0,63})";

    private static readonly Lock s_lock = new();
    private static bool s_registered;

    /// <summary>Registers the routes and the "Marts" navigation item (idempotent).</summary>
    public static void Register()
    {
        lock (s_lock)
        {
            if (s_registered)
            {
                return;
            }

            Register(DashboardRoutes.Routes);
            // The global pause banner on every dashboard page (Hangfire bundles it into its own script).
            DashboardRoutes.AddJavaScript(typeof(MartsDashboard).Assembly, "Scheduler.Dashboard.pause-banner.js");
            NavigationMenu.Items.Add(page => new MenuItem("Marts", page.Url.To("/marts"))
            {
                Active = page.RequestPath.StartsWith("/marts", StringComparison.OrdinalIgnoreCase),
            });
            NavigationMenu.Items.Add(page => new MenuItem("Audit", page.Url.To("/audit"))
            {
                Active = page.RequestPath.StartsWith("/audit", StringComparison.OrdinalIgnoreCase),
            });
            s_registered = true;
        }
    }

    private static void Register(Hangfire.Dashboard.RouteCollection routes)
    {
        routes.Add("/marts", new AsyncPageDispatcher<MartsPage.Model>(LoadMartsAsync, model => new MartsPage(model), "Marts"));
        routes.Add("/marts/runs", new AsyncPageDispatcher<RunsPage.Model>(LoadRunsAsync, model => new RunsPage(model), "Runs"));
        routes.Add($"/marts/runs/{RunIdPattern}", new AsyncPageDispatcher<RunPage.Model>(LoadRunAsync, model => new RunPage(model), "Unknown run"));
        routes.Add($"/marts/runs/{RunIdPattern}/cancel", new DashboardCommandDispatcher(RunCommands.ReadOnlyMessage,
            (context, services, cancellationToken) => RunCommands.CancelAsync(context, services.GetRequiredService<IRunTrigger>(), cancellationToken)));
        routes.Add($"/marts/{MartPattern}/run", new DashboardCommandDispatcher(RunCommands.ReadOnlyMessage,
            (context, services, cancellationToken) => RunCommands.RunNowAsync(context, services.GetRequiredService<IRunTrigger>(), cancellationToken)));
        routes.Add("/marts/graph", new AsyncPageDispatcher<GraphPage.Model>(LoadMartsGraphAsync, model => new GraphPage(model), "Graph"));
        routes.Add($"/marts/{MartPattern}/run-downstream", new DashboardCommandDispatcher(RunCommands.ReadOnlyMessage,
            (context, services, cancellationToken) => DependencyCommands.RunWithDownstreamAsync(context, services.GetRequiredService<IRunTrigger>(), cancellationToken)));
        routes.Add($"/marts/{MartPattern}/pause", new DashboardCommandDispatcher(PauseCommands.ReadOnlyMessage, PauseCommands.PauseMartAsync));
        routes.Add($"/marts/{MartPattern}/resume", new DashboardCommandDispatcher(PauseCommands.ReadOnlyMessage, PauseCommands.ResumeMartAsync));
        routes.Add($"/marts/{MartPattern}/backfills", new AsyncPageDispatcher<BackfillsPage.Model>(LoadBackfillsAsync, model => new BackfillsPage(model), "Unknown mart"));
        routes.Add($"/marts/{MartPattern}/backfills/start", new DashboardCommandDispatcher(BackfillCommands.ReadOnlyMessage, BackfillCommands.StartAsync));
        routes.Add($"/marts/backfills/{BackfillIdPattern}", new AsyncPageDispatcher<BackfillPage.Model>(LoadBackfillAsync, model => new BackfillPage(model), "Unknown backfill"));
        routes.Add($"/marts/backfills/{BackfillIdPattern}/cancel", new DashboardCommandDispatcher(BackfillCommands.ReadOnlyMessage, BackfillCommands.CancelAsync));
        routes.Add("/audit", new AsyncPageDispatcher<AuditPage.Model>(AuditPage.LoadAsync, model => new AuditPage(model), "Audit"));
        // '_' cannot start a mart name, so these never shadow a mart's routes.
        routes.Add("/marts/_all/pause", new DashboardCommandDispatcher(PauseCommands.ReadOnlyMessage, PauseCommands.PauseAllAsync));
        routes.Add("/marts/_all/resume", new DashboardCommandDispatcher(PauseCommands.ReadOnlyMessage, PauseCommands.ResumeAllAsync));
    }

    private static async Task<MartsPage.Model?> LoadMartsAsync(DashboardContext context, IServiceProvider services, CancellationToken cancellationToken)
    {
        var snapshot = services.GetRequiredService<LiveMartCatalog>().Snapshot;
        var lastRuns = await services.GetRequiredService<IRunQueries>().GetLastRunsAsync(snapshot.Marts.Select(m => m.Name), cancellationToken).ConfigureAwait(false);
        var pauses = await services.GetRequiredService<PauseStore>().GetAsync(cancellationToken).ConfigureAwait(false);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var definitions = services.GetRequiredService<IMartCatalog>().Marts.ToDictionary(m => m.Name, StringComparer.Ordinal);
        return new MartsPage.Model(MartSummaries.Build(snapshot, pauses, lastRuns, now), pauses.Global, snapshot.GlobalProblems, now)
        {
            Definitions = definitions,
        };
    }

    private static async Task<GraphPage.Model?> LoadMartsGraphAsync(DashboardContext context, IServiceProvider services, CancellationToken cancellationToken)
    {
        var marts = await LoadMartsAsync(context, services, cancellationToken).ConfigureAwait(false);
        return new GraphPage.Model(marts!.Marts, marts.Now);
    }

    private static async Task<RunPage.Model?> LoadRunAsync(DashboardContext context, IServiceProvider services, CancellationToken cancellationToken)
    {
        var runId = Guid.Parse(context.UriMatch.Groups["runId"].Value);
        var ledger = services.GetRequiredService<IRunQueries>();
        var run = await ledger.GetAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return null;
        }

        var downstream = await ledger.ListDownstreamOfAsync(runId, cancellationToken).ConfigureAwait(false);
        var retry = await ledger.GetByTriggerKeyAsync(TriggerKeys.RetryOf(runId), cancellationToken).ConfigureAwait(false);
        return new RunPage.Model(run.Redacted(), services.GetRequiredService<TimeProvider>().GetUtcNow())
        {
            DownstreamRuns = downstream,
            Zone = services.GetRequiredService<IMartCatalog>().Find(run.Mart)?.TimeZone,
            Retry = retry,
        };
    }

    private static async Task<BackfillsPage.Model?> LoadBackfillsAsync(DashboardContext context, IServiceProvider services, CancellationToken cancellationToken)
    {
        var name = Uri.UnescapeDataString(context.UriMatch.Groups["name"].Value);
        if (services.GetRequiredService<IMartCatalog>().Find(name) is not { } mart)
        {
            return null;
        }

        var backfills = await services.GetRequiredService<Scheduler.Backfills.BackfillStore>().ListAsync(name, 100, cancellationToken).ConfigureAwait(false);
        return new BackfillsPage.Model(mart, backfills);
    }

    private static async Task<BackfillPage.Model?> LoadBackfillAsync(DashboardContext context, IServiceProvider services, CancellationToken cancellationToken)
    {
        var id = Guid.Parse(context.UriMatch.Groups["backfillId"].Value);
        var progress = await services.GetRequiredService<Scheduler.Backfills.BackfillStore>().GetProgressAsync(id, cancellationToken).ConfigureAwait(false);
        return progress is null ? null : new BackfillPage.Model(progress, services.GetRequiredService<IMartCatalog>().Find(progress.Backfill.Mart));
    }

    private static async Task<RunsPage.Model?> LoadRunsAsync(DashboardContext context, IServiceProvider services, CancellationToken cancellationToken)
    {
        var mart = context.Request.GetQuery("mart");
        mart = string.IsNullOrWhiteSpace(mart) ? null : mart;
        if (!RunStatusFilter.TryParse(context.Request.GetQuery(RunStatusFilter.ParameterName), out var status, out var error))
        {
            throw new DashboardQueryException(error);
        }

        var runs = (await services.GetRequiredService<IRunQueries>().ListAsync(mart, status, RunsPage.Limit, cancellationToken).ConfigureAwait(false))
            .Select(r => r.Redacted()).ToList();
        var names = services.GetRequiredService<IMartCatalog>().Marts.Select(m => m.Name).ToList();
        var pause = (await services.GetRequiredService<PauseStore>().GetAsync(cancellationToken).ConfigureAwait(false)).Global;
        var zones = services.GetRequiredService<IMartCatalog>().Marts.ToDictionary(m => m.Name, m => m.TimeZone, StringComparer.Ordinal);
        return new RunsPage.Model(names, mart, status, runs, services.GetRequiredService<TimeProvider>().GetUtcNow()) { GlobalPause = pause, Zones = zones };
    }
}
