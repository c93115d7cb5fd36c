using Microsoft.Extensions.Options;

namespace Scheduler.Runs.Lifecycle;

/// <summary>
/// TEST ONLY. With <c>Runs:TestingBlockAt</c> naming a point, a job reaching it writes
/// <c>FAULT-POINT &lt;name&gt; &lt;runId&gt;</c> to stdout and blocks until the process dies, so a crash test can
/// SIGKILL the scheduler exactly there. Unset (always, outside tests), it does nothing.
/// </summary>
internal sealed class RunFaultPoints(IOptions<RunsOptions> options)
{
    /// <summary>BatchExecuteStatement returned; the statement id is not checkpointed yet.</summary>
    public const string AfterSubmit = "AfterSubmit";

    /// <summary>A poll job started on an active run and has not called DescribeStatement yet.</summary>
    public const string DuringPoll = "DuringPoll";

    /// <summary>A run ended (its terminal status is stored) and its dependants are not started or skipped yet.</summary>
    public const string BeforePropagate = "BeforePropagate";

    /// <summary>The write that ended a run and decided its retry is stored; the retry job is not scheduled yet.</summary>
    public const string AfterRetryDecided = "AfterRetryDecided";

    private readonly HashSet<string> _points = (options.Value.TestingBlockAt ?? "")
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .ToHashSet(StringComparer.Ordinal);

    public async Task ReachedAsync(string point, Guid runId, CancellationToken cancellationToken)
    {
        if (!_points.Contains(point))
        {
            return;
        }

        await Console.Out.WriteLineAsync($"FAULT-POINT {point} {runId:D}").ConfigureAwait(false);
        await Console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
    }
}
