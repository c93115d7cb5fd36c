using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Scheduler.Security;

/// <summary>
/// Checks a user name and password against the configured hashes. A successful check is remembered for a few
/// minutes as an HMAC of the password under a key that lives only in this process: PBKDF2 at 600,000 iterations
/// costs a few hundred milliseconds of CPU, and the dashboard sends a request every two seconds.
/// </summary>
public sealed class CredentialVerifier
{
    /// <summary>How long a successful check is remembered.</summary>
    public static readonly TimeSpan CacheDuration = TimeSpan.FromMinutes(5);

    private readonly SchedulerUserDirectory _users;
    private readonly TimeProvider _time;
    private readonly byte[] _cacheKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, CachedCheck> _cache = new(StringComparer.Ordinal);
    private readonly PasswordHash _decoy;

    /// <summary>Creates the verifier.</summary>
    public CredentialVerifier(SchedulerUserDirectory users, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(time);
        _users = users;
        _time = time;
        // An unknown user costs as much as a wrong password, so response times do not tell which names exist.
        var iterations = users.Users.Select(u => u.PasswordHash.Iterations).DefaultIfEmpty(PasswordHash.MinIterations).Max();
        _decoy = PasswordHash.Create(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)), iterations);
    }

    /// <summary>The user when the password is right; null for an unknown user or a wrong password.</summary>
    public SchedulerUser? Verify(string userName, string password)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        var user = _users.Find(userName);
        if (user is null)
        {
            _decoy.Verify(password);
            return null;
        }

        var mac = HMACSHA256.HashData(_cacheKey, Encoding.UTF8.GetBytes(password));
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(userName, out var cached) && cached.ExpiresAt > now && CryptographicOperations.FixedTimeEquals(cached.Mac, mac))
        {
            return user;
        }

        if (!user.PasswordHash.Verify(password))
        {
            return null;
        }

        _cache[userName] = new CachedCheck(mac, now + CacheDuration);
        return user;
    }

    private sealed record CachedCheck(byte[] Mac, DateTimeOffset ExpiresAt);
}
