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

    /// <summary>Reads the configured users; problems are added to <paramref name="problems"/>.</summary>
    /// <returns>The valid users (an empty list means: loopback requests only).</returns>
    public static IReadOnlyList<SchedulerUser> Read(IConfiguration configuration, ICollection<ConfigurationProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(problems);
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
