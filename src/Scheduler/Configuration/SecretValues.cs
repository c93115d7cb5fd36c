using System.Text.RegularExpressions;
using Scheduler.Sql;

namespace Scheduler.Configuration;

/// <summary>
/// Which configuration values a problem must not echo: those of secret-like keys (a password, a token, a connection
/// string, a webhook URL, which carries its token) and of credential-like mart parameters (<c>:db_password</c>).
/// </summary>
internal static partial class SecretValues
{
    /// <summary>What a problem shows instead of a secret value.</summary>
    public const string Hidden = "(hidden)";

    /// <summary>What a problem shows instead of the value of an unknown key (which may be a mistyped secret).</summary>
    public const string NotShown = "(not shown)";

    /// <summary>True when the value of <paramref name="key"/> may be a secret (judged by its last segment, and connection strings).</summary>
    public static bool IsSecretKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var last = key[(key.LastIndexOf(':') + 1)..];
        return key.StartsWith("ConnectionStrings:", StringComparison.OrdinalIgnoreCase) || Sql.SecretNames.IsSecret(last) || SecretName().IsMatch(last);
    }

    /// <summary><paramref name="value"/>, or <see cref="Hidden"/> when <paramref name="key"/> is secret-like.</summary>
    public static string? Mask(string key, string? value) =>
        value is null || value is Hidden or NotShown || !IsSecretKey(key) ? value : Hidden;

    [GeneratedRegex("pass(word|wd|phrase)?|secret|token|credential|api_?key|private_?key|access_?key|webhook|connection_?string|pwd",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();
}
