namespace Scheduler.Background;

/// <summary>
/// Wakes a <see cref="BackgroundPass"/> before its interval is up: something happened that its pass should handle now.
/// Wakes coalesce: any number of them before the pass starts gives one pass, and a wake during a pass gives one more.
/// </summary>
internal class PassSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Asks for a pass as soon as the one in progress, if any, has ended.</summary>
    public void Wake()
    {
        lock (_gate)
        {
            _wake.TrySetResult();
        }
    }

    /// <summary>Completes when a wake is pending.</summary>
    internal Task WaitAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _wake.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Clears the pending wake: called just before a pass, which handles everything pending so far.</summary>
    internal void Reset()
    {
        lock (_gate)
        {
            if (_wake.Task.IsCompleted)
            {
                _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }
}
