using Microsoft.Extensions.Options;

namespace Scheduler.Runs;

/// <summary>
/// Caps how many poll jobs in this process long-poll at once (<see cref="RunsOptions.MaxConcurrentLongPolls"/>): a long
/// poll holds a Hangfire worker, so beyond the cap polls are plain and return at once.
/// </summary>
public sealed class LongPollSlots(IOptions<RunsOptions> options)
{
    private readonly int _max = options.Value.MaxConcurrentLongPolls;
    private int _inUse;

    /// <summary>Takes a slot if one is free.</summary>
    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _inUse) <= _max)
        {
            return true;
        }

        Interlocked.Decrement(ref _inUse);
        return false;
    }

    /// <summary>Returns a slot taken by <see cref="TryEnter"/>.</summary>
    public void Exit() => Interlocked.Decrement(ref _inUse);
}
