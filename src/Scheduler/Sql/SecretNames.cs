using System.Text.RegularExpressions;

namespace Scheduler.Sql;

/// <summary>
/// The one policy for parameters whose values are never shown: a parameter named like a credential (<c>password</c>,
/// <c>secret</c>, <c>token</c>, <c>api_key</c>…) is still bound in Redshift, but runs, backfills, lists, pages, alerts,
/// job arguments, errors and the audit log show <see cref="Hidden"/> instead of its value.
/// </summary>
internal static partial class SecretNames
{
    /// <summary>What a hidden value is shown as.</summary>
    public const string Hidden = "(hidden)";

    /// <summary>True when a parameter's (or a key's last segment's) name looks like a credential's.</summary>
    public static bool IsSecret(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return SecretName().IsMatch(name);
    }

    /// <summary>The parameters with every credential-like value replaced by <see cref="Hidden"/>.</summary>
    public static IReadOnlyDictionary<string, string> Hide(IReadOnlyDictionary<string, string> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return parameters.Any(p => IsSecret(p.Key))
            ? parameters.ToDictionary(p => p.Key, p => IsSecret(p.Key) ? Hidden : p.Value, StringComparer.Ordinal)
            : parameters;
    }

    [GeneratedRegex("pass(word|wd|phrase)|secret|token|credential|api_?key|private_?key|access_?key|pwd|webhook",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();
}
