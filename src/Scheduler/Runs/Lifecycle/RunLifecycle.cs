using Hangfire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Scheduler.Marts;
using Scheduler.Marts.Calendar;
using Scheduler.Marts.Parameters;
using Scheduler.Runs.Retries;
using Scheduler.Runs.Steps;
using Scheduler.Runs.Store;
using Scheduler.Runs.Triggers;

namespace Scheduler.Runs.Lifecycle;

/// <summary>
/// The one owner of run state changes. Every change is an event: read the run, let <see cref="RunStateMachine"/>
/// decide, store the decision with a compare-and-swap on the row's version (a lost race reads and decides again), then
/// schedule the step the decision asks for and tell the <see cref="IRunObserver"/>s. Jobs, the watcher, recovery and
/// users only deliver events.
/// </summary>
/// <remarks>
/// A crash after the write and before the job is scheduled loses nothing: the run's <see cref="RunRecord.NextStepDueAt"/>
/// says when its next step was due, and recovery delivers <see cref="RunEventKind.StepOverdue"/> for it.
/// </remarks>
internal sealed partial class RunLifecycle(
    RunStore ledger,
    RunPolicy policy,
    IBackgroundJobClient jobs,
    IEnumerable<IRunObserver> observers,
    TimeProvider timeProvider,
    ILogger<RunLifecycle> logger,
    IOptions<RunsOptions>? options = null)
{
    private const int MaxRaces = 20;
    private readonly IRunObserver[] _observers = [.. observers];
    private readonly RunFaultPoints _faults = new(options ?? Options.Create(new RunsOptions()));

    /// <summary>Applies <paramref name="evt"/> to the run.</summary>
    public Task<RunEventResult> ApplyAsync(Guid runId, RunEvent evt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evt);
        return CommitAsync(runId, lockedSlot: null, (_, _, _, _) => Task.FromResult(evt), $"event {evt.Kind}", cancellationToken);
    }

    /// <summary>
    /// Reserves a run of <paramref name="mart"/> (Submitting, its submit job enqueued), or records a Skipped run naming
    /// the active one. A <paramref name="triggerKey"/> used before returns that trigger's run and reserves nothing.
    /// </summary>
    public async Task<(RunRecord Run, bool IsNew)> ReserveAsync(MartDefinition mart, RunTrigger trigger, string? triggerKey, CancellationToken cancellationToken)
    {
        var reserved = await ReserveAsync(mart, new RunRequest(trigger) { TriggerKey = triggerKey }, cancellationToken).ConfigureAwait(false);
        return (reserved.Run!, reserved.IsNew);
    }

    /// <summary>
    /// Reserves a run of <paramref name="mart"/> as <paramref name="request"/> asks: Submitting (its submit job enqueued)
    /// when the mart has a free run slot and no active run for the logical date; else Skipped naming the run in the way,
    /// or nothing at all (<see cref="RunRequest.WaitWhenBusy"/>: <c>Run</c> is null, <c>Blocking</c> says why). A trigger
    /// key used before returns that trigger's run and reserves nothing.
    /// </summary>
    public async Task<(RunRecord? Run, bool IsNew, RunRecord? Blocking)> ReserveAsync(MartDefinition mart, RunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mart);
        ArgumentNullException.ThrowIfNull(request);
        var now = timeProvider.GetUtcNow();
        // Whole seconds: a logical date is a name for a slot, compared for equality, shown and bound as text.
        var logical = request.LogicalDate ?? now;
        logical = new DateTimeOffset(logical.UtcTicks - (logical.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        var interval = MartCalendar.Interval(mart, logical);
        var parameters = MartParameters.Resolve(mart, logical, interval, request.Parameters);
        var (run, isNew, blocking) = await ledger.TryInsertAsync(
            new NewRun(mart.Name, request, logical, interval, parameters, mart.Target, mart.Timeout, mart.MaxActiveRuns), now, cancellationToken)
            .ConfigureAwait(false);
        if (run is null)
        {
            return (null, false, blocking);
        }

        if (isNew)
        {
            if (run.Status == RunStatus.Skipped)
            {
                LogSkipped(logger, mart.Name, request.Trigger, run.LogicalDate, run.Error);
            }
            else
            {
                LogReserved(logger, run.RunId, mart.Name, request.Trigger, run.LogicalDate);
            }

            Notify(run, RunNotice.Reserved, now);
        }

        // A crash between the reservation and this enqueue leaves a Submitting run without a job: recovery, or the
        // same trigger key running again, enqueues it.
        if (run.Status == RunStatus.Submitting && run.StatementId is null)
        {
            var runId = run.RunId;
            jobs.Enqueue<SubmitRunJob>(job => job.SubmitAsync(runId, CancellationToken.None));
        }

        return (run, isNew, blocking);
    }

    /// <summary>
    /// The submit step's request for a slot of <paramref name="slotKey"/> (at most <paramref name="cap"/> runs hold one):
    /// <see cref="RunEventKind.SlotGranted"/> when one is free and no queued run is ahead, else
    /// <see cref="RunEventKind.SlotUnavailable"/> (the run waits as Queued). Counting and taking is one transaction under
    /// the slot's advisory lock, so all instances together never give out more than <paramref name="cap"/>.
    /// </summary>
    public Task<RunEventResult> TakeSlotAsync(Guid runId, string slotKey, int cap, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(slotKey);
        return CommitAsync(runId, slotKey, async (_, now, connection, token) =>
        {
            var (holders, waiting) = await ledger.CountSlotAsync(connection!, slotKey, now, token).ConfigureAwait(false);
            return holders + waiting < cap
                ? new RunEvent.SlotGranted(slotKey)
                : new RunEvent.SlotUnavailable(slotKey, null, $"waiting for a slot on {slotKey}: {holders} of {cap} in use, {waiting} queued");
        }, "taking a slot", cancellationToken);
    }

    /// <summary>
    /// Gives the free slots of <paramref name="slotKey"/> (at most <paramref name="cap"/> held, 0 = no limit) to the
    /// Queued runs next in line (<see cref="RunEventKind.SlotGranted"/>: Submitting, their submit job enqueued at once).
    /// </summary>
    /// <returns>How many runs were given a slot.</returns>
    public async Task<int> GrantSlotsAsync(string slotKey, int cap, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(slotKey);
        var granted = new List<StoredChange>();
        DateTimeOffset now;
        var connection = await ledger.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await RunStore.LockSlotAsync(connection, slotKey, cancellationToken).ConfigureAwait(false);
                now = timeProvider.GetUtcNow();
                var (holders, _) = await ledger.CountSlotAsync(connection, slotKey, now, cancellationToken).ConfigureAwait(false);
                var free = cap == 0 ? 1000 : cap - holders;
                if (free <= 0)
                {
                    return 0;
                }

                var next = await ledger.ListNextQueuedAsync(connection, slotKey, now, free, cancellationToken).ConfigureAwait(false);
                foreach (var run in next)
                {
                    // A run changed since the read (a cancel) keeps its place; the next sweep sees it again.
                    var (change, _) = await DecideAndStoreAsync(run, new RunEvent.SlotGranted(slotKey), now, connection, cancellationToken).ConfigureAwait(false);
                    if (change is not null)
                    {
                        granted.Add(change);
                    }
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var change in granted)
        {
            await PublishAsync(change, now, cancellationToken).ConfigureAwait(false);
        }

        return granted.Count;
    }

    /// <summary>
    /// Records that an ended run's dependants were handled (started, skipped, or not due), so the dependency sweep
    /// leaves it alone. Bookkeeping, not a state change: the run's status and version stay as they are. False when
    /// the run is no longer at <paramref name="run"/>'s version (the handling was decided on an old copy).
    /// </summary>
    public Task<bool> MarkPropagatedAsync(RunRecord run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        return ledger.MarkPropagatedAsync(run.RunId, run.Version, timeProvider.GetUtcNow(), cancellationToken);
    }

    /// <summary>
    /// The one commit path of an event: read the run, decide (<see cref="DecideAndStoreAsync"/>), compare-and-swap, and
    /// once that is committed, schedule and notify (<see cref="PublishAsync"/>). A lost race reads and decides again.
    /// With <paramref name="lockedSlot"/>, the read, the event's making and the write are one transaction holding that
    /// slot's advisory lock. <paramref name="eventFor"/> makes the event from the run as read (and the transaction's
    /// connection); <paramref name="what"/> names it if the races never end.
    /// </summary>
    private async Task<RunEventResult> CommitAsync(
        Guid runId,
        string? lockedSlot,
        Func<RunRecord, DateTimeOffset, NpgsqlConnection?, CancellationToken, Task<RunEvent>> eventFor,
        string what,
        CancellationToken cancellationToken)
    {
        for (var race = 0; race < MaxRaces; race++)
        {
            var result = lockedSlot is null
                ? await TryCommitAsync(runId, eventFor, null, null, cancellationToken).ConfigureAwait(false)
                : await TryCommitUnderSlotLockAsync(runId, lockedSlot, eventFor, cancellationToken).ConfigureAwait(false);
            if (result is not null)
            {
                return result;
            }
        }

        throw new InvalidOperationException($"Run {runId}: {what} lost {MaxRaces} compare-and-swap races in a row.");
    }

    private async Task<RunEventResult?> TryCommitUnderSlotLockAsync(
        Guid runId,
        string slotKey,
        Func<RunRecord, DateTimeOffset, NpgsqlConnection?, CancellationToken, Task<RunEvent>> eventFor,
        CancellationToken cancellationToken)
    {
        var connection = await ledger.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await RunStore.LockSlotAsync(connection, slotKey, cancellationToken).ConfigureAwait(false);
                return await TryCommitAsync(runId, eventFor, connection, transaction, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One try of <see cref="CommitAsync"/>; null when another writer came first.</summary>
    private async Task<RunEventResult?> TryCommitAsync(
        Guid runId,
        Func<RunRecord, DateTimeOffset, NpgsqlConnection?, CancellationToken, Task<RunEvent>> eventFor,
        NpgsqlConnection? connection,
        NpgsqlTransaction? transaction,
        CancellationToken cancellationToken)
    {
        var run = await ledger.GetAsync(runId, connection, cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return new RunEventResult(false, null);
        }

        var now = timeProvider.GetUtcNow();
        var evt = await eventFor(run, now, connection, cancellationToken).ConfigureAwait(false);
        var (change, refused) = await DecideAndStoreAsync(run, evt, now, connection, cancellationToken).ConfigureAwait(false);
        if (refused)
        {
            LogRefused(logger, runId, evt.Kind, run.Status);
            return new RunEventResult(false, run);
        }

        if (change is null)
        {
            return null; // another writer came first: decide again on what it stored
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        await PublishAsync(change, now, cancellationToken).ConfigureAwait(false);
        return new RunEventResult(true, change.Run);
    }

    /// <summary>
    /// Lets <see cref="RunStateMachine.Decide"/> decide <paramref name="evt"/> for <paramref name="run"/> (with the
    /// inputs <see cref="RunPolicy"/> builds now) and stores the decision with a compare-and-swap. The change is null when
    /// the event was refused (<c>Refused</c>) or another writer came first.
    /// </summary>
    private async Task<(StoredChange? Change, bool Refused)> DecideAndStoreAsync(
        RunRecord run, RunEvent evt, DateTimeOffset now, NpgsqlConnection? connection, CancellationToken cancellationToken)
    {
        var transition = RunStateMachine.Decide(run, evt, now, policy.InputsFor(run));
        if (transition is null)
        {
            return (null, true);
        }

        if (!await ledger.TryUpdateAsync(run, transition.Next, now, cancellationToken, connection).ConfigureAwait(false))
        {
            return (null, false);
        }

        return (new StoredChange(transition.Next with { Version = run.Version + 1 }, run.Status, evt.Kind, transition.Step, transition.Notice), false);
    }

    /// <summary>After a change is committed: log it, schedule the step it asks for, tell the observers.</summary>
    private async Task PublishAsync(StoredChange change, DateTimeOffset now, CancellationToken cancellationToken)
    {
        LogTransition(logger, change.Run.RunId, change.Event, change.From, change.Run.Status);
        if (change.Step.Kind == RunStepKind.Retry)
        {
            await _faults.ReachedAsync(RunFaultPoints.AfterRetryDecided, change.Run.RunId, cancellationToken).ConfigureAwait(false);
        }

        Schedule(change.Run, change.Step, now);
        Notify(change.Run, change.Notice, now);
    }
}
