using Scheduler.Marts;
using Scheduler.Runs.Retries;

namespace Scheduler.Runs.Lifecycle;

/// <summary>
/// Everything <see cref="RunStateMachine.Decide"/> needs besides the run, the event and the time, as plain values, so a
/// decision is a pure function of its arguments: the <c>Runs:*</c> timings, the run's mart as the catalog held it when
/// the event was decided (poll intervals, retry settings) and the random draws that spread load. <see cref="RunPolicy"/>
/// builds one for each decision; tests build them with <see cref="From"/> and fixed draws.
/// </summary>
internal sealed record RunDecisionInputs
{
    private static readonly TimeSpan MinPollDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MinErrorDelay = TimeSpan.FromSeconds(2);

    /// <summary>The poll interval of a run whose mart is no longer configured.</summary>
    public static readonly TimeSpan DefaultPollInitialInterval = TimeSpan.FromSeconds(2);

    /// <summary>The longest poll interval of a run whose mart is no longer configured.</summary>
    public static readonly TimeSpan DefaultPollMaxInterval = TimeSpan.FromMinutes(1);

    /// <summary><c>Runs:CancelGrace</c>: how long a run waits for Redshift to confirm a cancel before the outcome is reported unconfirmed.</summary>
    public required TimeSpan CancelGrace { get; init; }

    /// <summary><c>Runs:ClientTokenWindow</c>: how long a resend trusts the ClientToken; after it the statement is looked up by name first.</summary>
    public required TimeSpan ClientTokenWindow { get; init; }

    /// <summary><c>Runs:SubmitLease</c>: the longest one submit call may take; until it passes, no lookup by name is trusted.</summary>
    public required TimeSpan SubmitLease { get; init; }

    /// <summary>The mart's first poll delay (<see cref="DefaultPollInitialInterval"/> for a mart no longer configured).</summary>
    public TimeSpan PollInitialInterval { get; init; } = DefaultPollInitialInterval;

    /// <summary>The mart's longest poll delay (<see cref="DefaultPollMaxInterval"/> for a mart no longer configured).</summary>
    public TimeSpan PollMaxInterval { get; init; } = DefaultPollMaxInterval;

    /// <summary>The mart's retry settings (<see cref="MartRetryPolicy.None"/> for a mart no longer configured).</summary>
    public MartRetryPolicy Retry { get; init; } = MartRetryPolicy.None;

    /// <summary>The factor (0.85 to 1.15) a poll delay is scaled by, so marts started together do not poll in lockstep.</summary>
    public double PollJitter { get; init; } = 1;

    /// <summary>How much shorter than its nominal value a retry's delay is: 0 to <see cref="RunRetries.MaxJitter"/>.</summary>
    public double RetryJitter { get; init; }

    /// <summary>The inputs for a run of <paramref name="mart"/> (null: no longer configured) under <paramref name="options"/>.</summary>
    public static RunDecisionInputs From(RunsOptions options, MartDefinition? mart, double pollJitter, double retryJitter)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new RunDecisionInputs
        {
            CancelGrace = options.CancelGrace,
            ClientTokenWindow = options.ClientTokenWindow,
            SubmitLease = options.SubmitLease,
            PollInitialInterval = mart?.PollInitialInterval ?? DefaultPollInitialInterval,
            PollMaxInterval = mart?.PollMaxInterval ?? DefaultPollMaxInterval,
            Retry = mart?.Retry ?? MartRetryPolicy.None,
            PollJitter = pollJitter,
            RetryJitter = retryJitter,
        };
    }

    /// <summary>The delay before the first poll of a freshly submitted run.</summary>
    public TimeSpan FirstPoll() => NextPoll(completedPolls: 0);

    /// <summary>The delay before the next poll after <paramref name="completedPolls"/> polls saw the batch still running (at least 0.5 s).</summary>
    public TimeSpan NextPoll(int completedPolls)
    {
        var delay = PollIntervals.Next(PollInitialInterval, PollMaxInterval, completedPolls, PollJitter);
        return delay < MinPollDelay ? MinPollDelay : delay;
    }

    /// <summary>The delay before polling again after a failed DescribeStatement (at least 2 s).</summary>
    public TimeSpan AfterPollError(int completedPolls)
    {
        var delay = NextPoll(completedPolls);
        return delay < MinErrorDelay ? MinErrorDelay : delay;
    }
}
