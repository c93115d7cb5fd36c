using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Scheduler.Security;

/// <summary>
/// Checks a user name and password against the configured hashes.
/// </summary>
/// <remarks>
/// <para>A successful check is remembered for <see cref="CacheDuration"/>, keyed by an HMAC of the name and password
/// under a key that lives only in this process (the password itself is never kept): PBKDF2 at 600,000 iterations costs
/// a few hundred milliseconds of CPU, and the dashboard sends a request every two seconds.</para>
/// <para>Every check costs the same whatever the name: it hashes once at each distinct iteration count configured (the
/// user's own hash at theirs, a decoy at the others; decoys only for an unknown name), so response times tell neither
/// which names exist nor which users have cheaper hashes.</para>
/// <para>At most <see cref="MaxConcurrentHashes"/> hashes run at once (half the cores, at least one); other checks wait
/// their turn asynchronously, so a storm of guesses cannot take every core from health checks and real work.</para>
/// </remarks>
internal sealed class CredentialVerifier : IDisposable
{
    /// <summary>How long a successful check is remembered.</summary>
    public static readonly TimeSpan CacheDuration = TimeSpan.FromMinutes(5);

    /// <summary>Remembered successful checks at most (a few per user is normal).</summary>
    public const int MaxCacheEntries = 1024;

    /// <summary>Password hashes computed at the same time, at most.</summary>
    public static int MaxConcurrentHashes { get; } = Math.Max(1, Environment.ProcessorCount / 2);

    private readonly SchedulerUserDirectory _users;
    private readonly TimeProvider _time;
    private readonly byte[] _cacheKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, CachedCheck> _cache = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<int, PasswordHash> _decoys;
    private readonly SemaphoreSlim _hashing = new(MaxConcurrentHashes, MaxConcurrentHashes);

    /// <summary>Creates the verifier.</summary>
    public CredentialVerifier(SchedulerUserDirectory users, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(time);
        _users = users;
        _time = time;
        _decoys = users.Users.Select(u => u.PasswordHash.Iterations).DefaultIfEmpty(PasswordHash.MinIterations).Distinct()
            .ToDictionary(n => n, n => PasswordHash.Create(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)), n));
    }

    /// <summary>The iteration counts every check hashes at, once each.</summary>
    public IReadOnlyCollection<int> IterationCounts => [.. _decoys.Keys];

    /// <summary>The user when this name and password were verified within <see cref="CacheDuration"/>; otherwise null. Cheap.</summary>
    public SchedulerUser? TryGetCached(string userName, string password)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        var key = CacheKey(userName, password);
        if (_cache.TryGetValue(key, out var cached))
        {
            if (cached.ExpiresAt > _time.GetUtcNow())
            {
                return cached.User;
            }

            _cache.TryRemove(new KeyValuePair<string, CachedCheck>(key, cached));
        }

        return null;
    }

    /// <summary>
    /// The user when the password is right; null for an unknown user or a wrong password. Waits for a hashing slot.
    /// </summary>
    public async Task<SchedulerUser?> VerifyAsync(string userName, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        if (TryGetCached(userName, password) is { } cached)
        {
            return cached;
        }

        await _hashing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return VerifyUncached(userName, password);
        }
        finally
        {
            _hashing.Release();
        }
    }

    /// <summary>The user when the password is right; null for an unknown user or a wrong password.</summary>
    public SchedulerUser? Verify(string userName, string password)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        if (TryGetCached(userName, password) is { } cached)
        {
            return cached;
        }

        _hashing.Wait();
        try
        {
            return VerifyUncached(userName, password);
        }
        finally
        {
            _hashing.Release();
        }
    }

    /// <summary>Releases the hashing slots.</summary>
    public void Dispose() => _hashing.Dispose();

    private SchedulerUser? VerifyUncached(string userName, string password)
    {
        var user = _users.Find(userName);
        var verified = false;
        foreach (var (iterations, decoy) in _decoys)
        {
            if (user is not null && user.PasswordHash.Iterations == iterations)
            {
                verified = user.PasswordHash.Verify(password);
            }
            else
            {
                decoy.Verify(password);
            }
        }

        if (user is null || !verified)
        {
            return null;
        }

        var now = _time.GetUtcNow();
        if (_cache.Count >= MaxCacheEntries)
        {
            foreach (var (key, entry) in _cache)
            {
                if (entry.ExpiresAt <= now)
                {
                    _cache.TryRemove(key, out _);
                }
            }
        }

        if (_cache.Count < MaxCacheEntries)
        {
            _cache[CacheKey(userName, password)] = new CachedCheck(user, now + CacheDuration);
        }

        return user;
    }

    // Name and password joined unambiguously (a name has no control characters), under a per-process key.
    private string CacheKey(string userName, string password) =>
        Convert.ToBase64String(HMACSHA256.HashData(_cacheKey, Encoding.UTF8.GetBytes(userName + "\0" + password)));

    private sealed record CachedCheck(SchedulerUser User, DateTimeOffset ExpiresAt);
}
