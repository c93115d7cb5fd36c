namespace Scheduler.Background;

/// <summary>
/// A <see cref="PassSignal"/> that says what to look at: each wake carries a key (a slot, a mart), the pass takes the
/// pending keys with <see cref="Drain"/> and handles just those, while its periodic pass still covers everything.
/// </summary>
internal class KeyedPassSignal : PassSignal
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);

    /// <summary>Asks for a pass that handles <paramref name="key"/>.</summary>
    public void Wake(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            _pending.Add(key);
        }

        // After the key is in: a pass that starts from this wake always finds it.
        Wake();
    }

    /// <summary>Takes the pending keys, each once.</summary>
    internal IReadOnlyList<string> Drain()
    {
        lock (_gate)
        {
            var keys = _pending.ToList();
            _pending.Clear();
            return keys;
        }
    }
}
