using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Scheduler.Security;

/// <summary>
/// A salted PBKDF2-HMAC-SHA256 password hash in the self-describing form
/// <c>pbkdf2-sha256$&lt;iterations&gt;$&lt;salt, base64&gt;$&lt;hash, base64&gt;</c>, as printed by
/// <c>scheduler hash-password</c>.
/// </summary>
/// <remarks>
/// The iteration count is stored with the hash, so the default can grow without invalidating existing hashes.
/// </remarks>
internal sealed class PasswordHash
{
    /// <summary>The algorithm prefix of the text form.</summary>
    public const string Algorithm = "pbkdf2-sha256";

    /// <summary>The iteration count of new hashes (OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256).</summary>
    public const int DefaultIterations = 600_000;

    /// <summary>The fewest iterations a configured hash may use; fewer makes offline guessing cheap.</summary>
    public const int MinIterations = 100_000;

    /// <summary>The most iterations accepted, so that one login cannot cost minutes of CPU.</summary>
    public const int MaxIterations = 10_000_000;

    /// <summary>Salt length of new hashes, in bytes.</summary>
    public const int SaltBytes = 16;

    /// <summary>Derived key length, in bytes.</summary>
    public const int HashBytes = 32;

    /// <summary>A human-readable description of the format, for error messages.</summary>
    public const string FormatDescription =
        "a hash from 'scheduler hash-password': pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>";

    private readonly byte[] _salt;
    private readonly byte[] _hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash)
    {
        Iterations = iterations;
        _salt = salt;
        _hash = hash;
    }

    /// <summary>The PBKDF2 iteration count.</summary>
    public int Iterations { get; }

    /// <summary>Hashes a password with a fresh random salt.</summary>
    /// <param name="password">The password; must not be empty.</param>
    /// <param name="iterations">The PBKDF2 iteration count, from <see cref="MinIterations"/> to <see cref="MaxIterations"/>.</param>
    /// <exception cref="ArgumentException">The password is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The iteration count is out of range.</exception>
    public static PasswordHash Create(string password, int iterations = DefaultIterations)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinIterations);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, MaxIterations);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return new PasswordHash(iterations, salt, Derive(password, salt, iterations, HashBytes));
    }

    /// <summary>Parses the text form.</summary>
    /// <exception cref="FormatException">The text is not <see cref="FormatDescription"/>; the message says which part is wrong.</exception>
    public static PasswordHash Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var hash, out var error) ? hash : throw new FormatException(error);
    }

    /// <summary>Parses the text form; on failure <paramref name="error"/> says which part is wrong (never echoing the text).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out PasswordHash? hash, [NotNullWhen(false)] out string? error)
    {
        hash = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "The password hash is empty.";
            return false;
        }

        var parts = text.Trim().Split('$');
        if (parts.Length != 4)
        {
            error = $"The password hash has {parts.Length} '$'-separated part(s); expected 4.";
            return false;
        }

        if (!string.Equals(parts[0], Algorithm, StringComparison.Ordinal))
        {
            error = $"The password hash algorithm is '{parts[0]}'; expected '{Algorithm}'.";
            return false;
        }

        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)
            || iterations < MinIterations || iterations > MaxIterations)
        {
            error = $"The password hash iteration count '{parts[1]}' is not a number from {MinIterations} to {MaxIterations}.";
            return false;
        }

        var salt = TryBase64(parts[2]);
        if (salt is null || salt.Length < 8)
        {
            error = "The password hash salt is not base64 of at least 8 bytes.";
            return false;
        }

        var derived = TryBase64(parts[3]);
        // At most one SHA-256 block: PBKDF2 runs once per 32 bytes asked for, so a longer stored hash would make its
        // user's logins slower than everyone else's, which tells an attacker the name exists.
        if (derived is null || derived.Length < 16 || derived.Length > HashBytes)
        {
            error = $"The password hash value is not base64 of 16 to {HashBytes} bytes.";
            return false;
        }

        hash = new PasswordHash(iterations, salt, derived);
        error = null;
        return true;
    }

    /// <summary>True when <paramref name="password"/> hashes to this value (constant-time comparison).</summary>
    public bool Verify(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var candidate = Derive(password, _salt, Iterations, _hash.Length);
        return CryptographicOperations.FixedTimeEquals(candidate, _hash);
    }

    /// <summary>The text form, <c>pbkdf2-sha256$iterations$salt$hash</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Algorithm}${Iterations}${Convert.ToBase64String(_salt)}${Convert.ToBase64String(_hash)}");

    private static byte[] Derive(string password, byte[] salt, int iterations, int length) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, length);

    private static byte[]? TryBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }
}
