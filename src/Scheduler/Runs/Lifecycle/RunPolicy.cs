using Microsoft.Extensions.Options;
using Scheduler.Background;
using Scheduler.Marts;
using Scheduler.Runs.Retries;

namespace Scheduler.Runs.Lifecycle;

/// <summary>
/// Where the lifecycle's inputs come from: the <c>Runs:*</c> options, the live mart catalog and the random draws.
/// <see cref="InputsFor"/> turns them into a <see cref="RunDecisionInputs"/> value for one decision, so
/// <see cref="RunStateMachine"/> itself never reads the catalog, the options or a random source.
/// </summary>
internal sealed class RunPolicy(IOptions<RunsOptions> runs, IMartCatalog catalog)
{
    /// <summary><c>Runs:ClientTokenWindow</c>: how long a resend trusts the ClientToken; after it the statement is looked up by name first.</summary>
    public TimeSpan ClientTokenWindow => runs.Value.ClientTokenWindow;

    /// <summary>What a decision about <paramref name="run"/> needs to know, as the catalog and options are now.</summary>
    internal RunDecisionInputs InputsFor(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return RunDecisionInputs.From(runs.Value, catalog.Find(run.Mart), PollIntervals.JitterFactor(), RetryJitter());
    }

    /// <summary>Backoff before the next submit attempt or lookup (1, 2, 4 … s, jittered, up to <c>Runs:MaxRetryDelay</c>).</summary>
    public TimeSpan SubmitRetry(int failures) => PollIntervals.Backoff(failures, runs.Value.MaxRetryDelay);

    /// <summary>How much shorter than its nominal value a retry's delay is: a random 0 to 20 %.</summary>
#pragma warning disable CA5394 // jitter only spreads load; it needs no unpredictability
    private static double RetryJitter() => Random.Shared.NextDouble() * RunRetries.MaxJitter;
#pragma warning restore CA5394
}
