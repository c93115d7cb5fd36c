using Scheduler.Runs;
using Scheduler.Database;
using Scheduler.Audit;
using Scheduler.Hosting;
using Scheduler.Configuration;
using Scheduler.Runs.Triggers;
using Scheduler.Marts;

namespace Scheduler.Cli;

/// <summary>
/// <c>trigger MART</c>: starts a run now with the same rules as "Run now" (at most one active run per mart) and
/// prints its id. The run is carried out by the service (any running instance on the same PostgreSQL).
/// </summary>
internal static class TriggerCommand
{
    /// <summary>Exit code when the mart already had an active run and the trigger was recorded as skipped.</summary>
    public const int ExitSkipped = 3;

    /// <summary>Exit code when the run was refused: the mart is disabled, paused (for scheduled runs) or everything is paused.</summary>
    public const int ExitRefused = 4;

    public static async Task<int> RunAsync(CliContext context)
    {
        if (context.Args.Length == 0 || context.Args[0].StartsWith('-'))
        {
            await context.Error.WriteLineAsync("Usage: trigger MART [--Key=value ...]").ConfigureAwait(false);
            return CommandLine.ExitInvalid;
        }

        var martName = context.Args[0];
        WebApplication app;
        try
        {
            app = SchedulerApplication.Build(context.Args[1..]);
        }
        catch (SchedulerConfigurationException ex)
        {
            await context.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return CommandLine.ExitInvalid;
        }

        await using (app.ConfigureAwait(false))
        {
            // The service may never have started against this database: create the ledger's schema first.
            await app.Services.GetRequiredService<Scheduler.Database.SchedulerDatabase>().MigrateAsync(context.CancellationToken).ConfigureAwait(false);
            var result = await app.Services.GetRequiredService<IRunTrigger>()
                .TriggerAsync(martName, RunTrigger.Manual, context.CancellationToken).ConfigureAwait(false);
            // The command line is an operator at the machine: recorded under the operating-system user.
            await app.Services.GetRequiredService<AuditStore>().RecordAsync(new AuditEntry(
                app.Services.GetRequiredService<TimeProvider>().GetUtcNow(), Environment.UserName, "cli", "run.start", $"mart/{martName}", martName,
                new Dictionary<string, string>(StringComparer.Ordinal) { ["via"] = "cli" }, null,
                result.Outcome == TriggerOutcome.Started ? AuditEntry.Accepted : AuditEntry.Refused,
                result.Outcome switch { TriggerOutcome.Started => 0, TriggerOutcome.Skipped => ExitSkipped, TriggerOutcome.Refused => ExitRefused, _ => CommandLine.ExitInvalid }),
                context.CancellationToken).ConfigureAwait(false);
            switch (result.Outcome)
            {
                case TriggerOutcome.Started:
                    await context.Out.WriteLineAsync(result.Run!.RunId.ToString("D")).ConfigureAwait(false);
                    return 0;

                case TriggerOutcome.Skipped:
                    await context.Out.WriteLineAsync(result.Run!.RunId.ToString("D")).ConfigureAwait(false);
                    await context.Error.WriteLineAsync(
                        $"skipped: run {result.ActiveRunId:D} of mart '{martName}' is still active; recorded skipped run {result.Run.RunId:D}.").ConfigureAwait(false);
                    return ExitSkipped;

                case TriggerOutcome.Refused:
                    await context.Error.WriteLineAsync($"refused: {result.Reason}").ConfigureAwait(false);
                    return ExitRefused;

                default:
                    var names = app.Services.GetRequiredService<IMartCatalog>().Marts.Select(m => m.Name);
                    await context.Error.WriteLineAsync(
                        $"Unknown mart '{martName}'. Configured marts: {string.Join(", ", names)}.").ConfigureAwait(false);
                    return CommandLine.ExitInvalid;
            }
        }
    }
}
