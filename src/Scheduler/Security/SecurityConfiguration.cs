using Microsoft.Extensions.Configuration;
using Scheduler.Configuration;
using Scheduler.Marts;

namespace Scheduler.Security;

/// <summary>
/// Reads <c>Security:Users:&lt;user&gt;:PasswordHash</c> and <c>:Role</c>, collecting every problem (key, what was
/// expected) instead of stopping at the first. A hash is never echoed into a problem.
/// </summary>
internal static class SecurityConfiguration
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
        return Validate(Bind(configuration), configuration, problems).Users;
    }

    /// <summary>Binds the <c>Security</c> section.</summary>
    public static SecurityOptions Bind(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new SecurityOptions();
        configuration.GetSection(SecurityOptions.SectionName).Bind(options);
        return options;
    }

    /// <summary>
    /// Checks the bound options (and, in <paramref name="configuration"/>, what binding cannot show: unknown keys and
    /// where the server listens); every problem is added to <paramref name="problems"/>.
    /// </summary>
    /// <returns>The valid users and the trusted proxies.</returns>
    public static SecuritySettings Validate(SecurityOptions options, IConfiguration configuration, ICollection<ConfigurationProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(problems);
        var users = ValidateUsers(options, configuration, problems);
        var trust = ValidateForwardedHeadersTrust(options, configuration, problems);
        if (!configuration.GetSection(UsersSection).GetChildren().Any())
        {
            LoopbackExposure.Check(configuration, problems);
        }

        return new SecuritySettings(users, trust);
    }

    private static ForwardedHeadersTrust ValidateForwardedHeadersTrust(SecurityOptions options, IConfiguration configuration,
        ICollection<ConfigurationProblem> problems)
    {
        foreach (var key in new[] { KnownProxiesKey, KnownNetworksKey })
        {
            if (!string.IsNullOrWhiteSpace(configuration[key]))
            {
                problems.Add(new(key, configuration[key], $"a list: {key}:0, {key}:1, … ({key.Replace(":", "__", StringComparison.Ordinal)}__0 in the environment)"));
            }
        }

        var proxies = new List<System.Net.IPAddress>();
        foreach (var (text, i) in options.KnownProxies.Select((t, i) => (t, i)))
        {
            if (System.Net.IPAddress.TryParse(text?.Trim(), out var address) && !text!.Contains('/', StringComparison.Ordinal))
            {
                proxies.Add(address);
            }
            else
            {
                problems.Add(new($"{KnownProxiesKey}:{i}", text, "an IP address of a reverse proxy (10.0.0.5, fd00::5); networks go under Security:KnownNetworks"));
            }
        }

        var networks = new List<System.Net.IPNetwork>();
        foreach (var (text, i) in options.KnownNetworks.Select((t, i) => (t, i)))
        {
            if (text is not null && text.Contains('/', StringComparison.Ordinal) && System.Net.IPNetwork.TryParse(text.Trim(), out var network))
            {
                networks.Add(network);
            }
            else
            {
                problems.Add(new($"{KnownNetworksKey}:{i}", text, "a network in CIDR notation with no host bits set (10.0.0.0/8, fd00::/64)"));
            }
        }

        return new ForwardedHeadersTrust(proxies, networks);
    }

    private static List<SchedulerUser> ValidateUsers(SecurityOptions options, IConfiguration configuration, ICollection<ConfigurationProblem> problems)
    {
        var users = new List<SchedulerUser>();
        var plainValues = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var section in configuration.GetSection(UsersSection).GetChildren())
        {
            var prefix = $"{UsersSection}:{section.Key}";
            if (section.Value is not null && !section.GetChildren().Any())
            {
                problems.Add(new(prefix, "(hidden)", "a section with PasswordHash and Role, not a plain value"));
                plainValues.Add(section.Key);
                continue;
            }

            foreach (var child in section.GetChildren().Select(c => c.Key).Where(k => !s_userKeys.Contains(k)))
            {
                problems.Add(new($"{prefix}:{child}", "(hidden)", "a known user key (PasswordHash, Role)"));
            }
        }

        foreach (var (name, user) in options.Users.Where(u => !plainValues.Contains(u.Key)))
        {
            var prefix = $"{UsersSection}:{name}";
            var ok = true;
            if (name.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            {
                problems.Add(new(prefix, null, "a user name without spaces or control characters (HTTP Basic sends it verbatim)"));
                ok = false;
            }

            SchedulerRole role = default;
            if (string.IsNullOrWhiteSpace(user.Role))
            {
                problems.Add(new($"{prefix}:Role", null, "Admin (may trigger and cancel runs) or Viewer (read-only)"));
                ok = false;
            }
            else if (!TryParseRole(user.Role, out role))
            {
                problems.Add(new($"{prefix}:Role", user.Role, "Admin (may trigger and cancel runs) or Viewer (read-only)"));
                ok = false;
            }

            PasswordHash? hash = null;
            if (string.IsNullOrWhiteSpace(user.PasswordHash))
            {
                problems.Add(new($"{prefix}:PasswordHash", null, PasswordHash.FormatDescription));
                ok = false;
            }
            else if (!PasswordHash.TryParse(user.PasswordHash, out hash, out var error))
            {
                problems.Add(new($"{prefix}:PasswordHash", "(hidden)", $"{PasswordHash.FormatDescription} ({error})"));
                ok = false;
            }

            if (ok)
            {
                users.Add(new SchedulerUser(name, role, hash!));
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
