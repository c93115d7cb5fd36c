namespace Scheduler.Runs;

/// <summary>
/// Tells this instance's <see cref="RunQueueDispatcher"/> that a slot may have freed: a run holding one ended (it observes the
/// lifecycle), or a run was queued while slots were free. Wakes are coalesced per slot key.
/// </summary>
public sealed class RunQueueSignal : IRunObserver
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <inheritdoc />
    void IRunObserver.RunEnded(RunRecord run)
    {
        if (run.SlotKey is { } key)
        {
            Wake(key);
        }
    }

    /// <summary>Asks the queue to hand out the free slots of <paramref name="slotKey"/>.</summary>
    public void Wake(string slotKey)
    {
        lock (_gate)
        {
            _pending.Add(slotKey);
            _wake.TrySetResult();
        }
    }

    /// <summary>Completes when a wake is pending.</summary>
    internal Task WaitAsync()
    {
        lock (_gate)
        {
            return _wake.Task;
        }
    }

    /// <summary>Takes the pending slot keys.</summary>
    internal List<string> Drain()
    {
        lock (_gate)
        {
            var keys = _pending.ToList();
            _pending.Clear();
            if (_wake.Task.IsCompleted)
            {
                _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return keys;
        }
    }
}
