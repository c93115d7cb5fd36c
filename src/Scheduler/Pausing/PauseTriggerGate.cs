using System.Globalization;
using Microsoft.Extensions.Logging;
using Scheduler.Marts;
using Scheduler.Runs;
using Scheduler.Runs.Triggers;

namespace Scheduler.Pausing;

/// <summary>
/// The <see cref="ITriggerGate"/>: a disabled mart is never run; during a global pause nothing starts (running
/// statements go on and are still followed); a paused mart's scheduled runs do not start, while a person's manual run
/// does. A refused cron trigger records no run: a paused mart simply fires no runs, as if it had no schedule.
/// </summary>
internal sealed partial class PauseTriggerGate(PauseStore store, ILogger<PauseTriggerGate> logger) : ITriggerGate
{
    /// <inheritdoc />
    public async Task<string?> CheckAsync(MartDefinition mart, RunTrigger trigger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mart);
        string? reason = null;
        if (!mart.Enabled)
        {
            reason = $"Mart '{mart.Name}' is disabled (Enabled = false in {mart.DefinitionFile ?? $"Marts:{mart.Name}"}), so it cannot be run; set Enabled to true to run it.";
        }
        else
        {
            var pauses = await store.GetAsync(cancellationToken).ConfigureAwait(false);
            if (pauses.Global is { } global)
            {
                reason = $"The scheduler is paused{Since(global)}: no new run starts until it is resumed (POST /api/resume, or Resume on the Marts page). Runs already in Redshift continue.";
            }
            else if (trigger != RunTrigger.Manual && pauses.For(mart.Name) is { } paused)
            {
                reason = $"Mart '{mart.Name}' is paused{Since(paused)}: its scheduled runs do not start until it is resumed. A manual run is still possible.";
            }
        }

        if (reason is not null)
        {
            LogRefused(logger, mart.Name, trigger, reason);
        }

        return reason;
    }

    /// <inheritdoc />
    public async Task<string?> CheckFirstSubmitAsync(CancellationToken cancellationToken) =>
        (await store.GetAsync(cancellationToken).ConfigureAwait(false)).Global is { } global
            ? $"The scheduler is paused{Since(global)}: this run was reserved before the pause and is sent when it is resumed."
            : null;

    private static string Since(PauseInfo pause) =>
        string.Create(CultureInfo.InvariantCulture, $" since {pause.PausedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC{(pause.PausedBy is null ? "" : $" by {pause.PausedBy}")}");

    [LoggerMessage(EventId = 1720, Level = LogLevel.Information, Message = "Mart {Mart}: {Trigger} trigger refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string mart, RunTrigger trigger, string reason);
}
