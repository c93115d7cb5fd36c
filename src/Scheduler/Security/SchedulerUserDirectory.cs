namespace Scheduler.Security;

/// <summary>The configured users. Empty means that only loopback requests are served.</summary>
internal sealed class SchedulerUserDirectory
{
    private readonly Dictionary<string, SchedulerUser> _byName;

    /// <summary>Creates the directory over already-validated users.</summary>
    public SchedulerUserDirectory(IEnumerable<SchedulerUser> users)
    {
        ArgumentNullException.ThrowIfNull(users);
        _byName = users.ToDictionary(u => u.Name, StringComparer.Ordinal);
    }

    /// <summary>True when no user is configured: anonymous loopback requests are served, others refused.</summary>
    public bool IsEmpty => _byName.Count == 0;

    /// <summary>Every configured user.</summary>
    public IReadOnlyCollection<SchedulerUser> Users => _byName.Values;

    /// <summary>The user with this name (ordinal), or null.</summary>
    public SchedulerUser? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.GetValueOrDefault(name);
    }
}
