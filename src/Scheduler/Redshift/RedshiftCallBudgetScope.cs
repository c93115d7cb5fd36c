namespace Scheduler.Redshift;

/// <summary>
/// Lets a caller that already took a budget token (the watcher takes it first so it can choose which statement to spend
/// it on) make a call whose first HTTP attempt is not charged again; the client's retries in the same call still are.
/// </summary>
internal static class RedshiftCallBudgetScope
{
    private static readonly AsyncLocal<Prepaid?> s_current = new();

    /// <summary>Marks the next HTTP attempt in this async flow as paid for; dispose after the call.</summary>
    public static IDisposable FirstAttemptPrepaid()
    {
        var previous = s_current.Value;
        s_current.Value = new Prepaid();
        return new Restore(previous);
    }

    /// <summary>True (once) when the current attempt was paid for by the caller.</summary>
    internal static bool TryConsumePrepaid() => s_current.Value is { } prepaid && Interlocked.Exchange(ref prepaid.Used, 1) == 0;

    private sealed class Prepaid
    {
        public int Used;
    }

    private sealed class Restore(Prepaid? previous) : IDisposable
    {
        public void Dispose() => s_current.Value = previous;
    }
}
