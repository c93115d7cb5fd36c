using Microsoft.Extensions.Configuration;
using Scheduler.Marts;

namespace Scheduler.Security;

/// <summary>
/// Reads <c>Security:Users:&lt;user&gt;:PasswordHash</c> and <c>:Role</c>, collecting every problem (key, what was
/// expected) instead of stopping at the first. A hash is never echoed into a problem.
/// </summary>
public static class SecurityConfiguration
{
    /// <summary>The configuration section of the users.</summary>
    public const string UsersSection = "Security:Users";

    private static readonly HashSet<string> s_userKeys = new(StringComparer.OrdinalIgnoreCase) { "PasswordHash", "Role" };

    /// <summary>The key of the proxies whose forwarded headers are honoured (with users configured).</summary>
    public const string KnownProxiesKey = "Security:KnownProxies";

    /// <summary>The key of the networks whose forwarded headers are honoured (with users configured).</summary>
    public const string KnownNetworksKey = "Security:KnownNetworks";

    /// <summary>
    /// Reads the configured users, and checks that loopback mode (no user) is not exposed: problems are added to
    /// <paramref name="problems"/>.
    /// </summary>
    /// <returns>The valid users (an empty list means: loopback requests only).</returns>
    public static IReadOnlyList<SchedulerUser> Read(IConfiguration configuration, ICollection<ConfigurationProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(problems);
        var users = ReadUsers(configuration, problems);
        var hasUserSection = configuration.GetSection(UsersSection).GetChildren().Any();
        ReadForwardedHeadersTrust(configuration, problems);
        if (!hasUserSection)
        {
            LoopbackExposure.Check(configuration, problems);
        }

        return users;
    }

    /// <summary>
    /// Reads <c>Security:KnownProxies</c> (IP addresses) and <c>Security:KnownNetworks</c> (CIDR, <c>10.0.0.0/8</c>),
    /// each a list (<c>:0</c>, <c>:1</c>, …) or one comma-separated value.
    /// </summary>
    public static ForwardedHeadersTrust ReadForwardedHeadersTrust(IConfiguration configuration, ICollection<ConfigurationProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(problems);
        var proxies = new List<System.Net.IPAddress>();
        foreach (var (key, text) in ListValues(configuration, KnownProxiesKey))
        {
            if (System.Net.IPAddress.TryParse(text, out var address) && !text.Contains('/', StringComparison.Ordinal))
            {
                proxies.Add(address);
            }
            else
            {
                problems.Add(new(key, text, "an IP address of a reverse proxy (10.0.0.5, fd00::5); networks go under Security:KnownNetworks"));
            }
        }

        var networks = new List<System.Net.IPNetwork>();
        foreach (var (key, text) in ListValues(configuration, KnownNetworksKey))
        {
            if (text.Contains('/', StringComparison.Ordinal) && System.Net.IPNetwork.TryParse(text, out var network))
            {
                networks.Add(network);
            }
            else
            {
                problems.Add(new(key, text, "a network in CIDR notation with no host bits set (10.0.0.0/8, fd00::/64)"));
            }
        }

        return new ForwardedHeadersTrust(proxies, networks);
    }

    private static IEnumerable<(string Key, string Value)> ListValues(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            foreach (var part in section.Value.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                yield return (key, part);
            }
        }

        foreach (var child in section.GetChildren().Where(c => !string.IsNullOrWhiteSpace(c.Value)))
        {
            yield return ($"{key}:{child.Key}", child.Value!.Trim());
        }
    }

    private static List<SchedulerUser> ReadUsers(IConfiguration configuration, ICollection<ConfigurationProblem> problems)
    {
        var users = new List<SchedulerUser>();
        foreach (var section in configuration.GetSection(UsersSection).GetChildren())
        {
            var prefix = $"{UsersSection}:{section.Key}";
            if (section.Value is not null && !section.GetChildren().Any())
            {
                problems.Add(new(prefix, "(hidden)", "a section with PasswordHash and Role, not a plain value"));
                continue;
            }

            foreach (var child in section.GetChildren().Select(c => c.Key).Where(k => !s_userKeys.Contains(k)))
            {
                problems.Add(new($"{prefix}:{child}", "(hidden)", "a known user key (PasswordHash, Role)"));
            }

            var ok = true;
            if (section.Key.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            {
                problems.Add(new(prefix, null, "a user name without spaces or control characters (HTTP Basic sends it verbatim)"));
                ok = false;
            }

            var roleText = section["Role"];
            SchedulerRole role = default;
            if (string.IsNullOrWhiteSpace(roleText))
            {
                problems.Add(new($"{prefix}:Role", null, "Admin (may trigger and cancel runs) or Viewer (read-only)"));
                ok = false;
            }
            else if (!TryParseRole(roleText, out role))
            {
                problems.Add(new($"{prefix}:Role", roleText, "Admin (may trigger and cancel runs) or Viewer (read-only)"));
                ok = false;
            }

            var hashText = section["PasswordHash"];
            PasswordHash? hash = null;
            if (string.IsNullOrWhiteSpace(hashText))
            {
                problems.Add(new($"{prefix}:PasswordHash", null, PasswordHash.FormatDescription));
                ok = false;
            }
            else if (!PasswordHash.TryParse(hashText, out hash, out var error))
            {
                problems.Add(new($"{prefix}:PasswordHash", "(hidden)", $"{PasswordHash.FormatDescription} ({error})"));
                ok = false;
            }

            if (ok)
            {
                users.Add(new SchedulerUser(section.Key, role, hash!));
            }
        }

        return users;
    }

    /// <summary>Parses a role name, case-insensitively; only the declared names are accepted (not numbers).</summary>
    public static bool TryParseRole(string? text, out SchedulerRole role)
    {
        role = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        foreach (var candidate in Enum.GetValues<SchedulerRole>())
        {
            if (string.Equals(candidate.ToString(), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                role = candidate;
                return true;
            }
        }

        return false;
    }
}
