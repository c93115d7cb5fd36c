namespace Scheduler.Tests.Docs;

/// <summary>
/// A configuration key the code reads: <c>Section:Key</c>, with <c>&lt;*&gt;</c> for a name the user chooses
/// (<c>Marts:&lt;*&gt;:Cron</c>). <paramref name="Default"/> is the default as docs/configuration.md must show it, when
/// the code states one; <paramref name="Origin"/> says where the key was found, for the failure message.
/// </summary>
internal sealed record ConfigurationKey(string Key, string? Default, string Origin)
{
    /// <summary>Replaces every <c>&lt;name&gt;</c>-style placeholder with <c>&lt;*&gt;</c>.</summary>
    public static string Normalize(string key) =>
        System.Text.RegularExpressions.Regex.Replace(key.Trim(), "<[^>]*>|\\{[^}]*\\}", "<*>");

    /// <summary>
    /// True when <paramref name="documented"/> covers this key: the same segments (a <c>&lt;*&gt;</c> here matches any
    /// one segment; one in the documented key matches only a <c>&lt;*&gt;</c> here, so <c>Marts:&lt;name&gt;:Cron</c>
    /// does not document <c>Marts:WatchFiles</c>), or this key is a section the documented key sits in (<c>Security:Users</c> for
    /// <c>Security:Users:&lt;*&gt;:Role</c>). A trailing <c>&lt;*&gt;</c> in this key stands for the rest of the key.
    /// </summary>
    public bool IsCoveredBy(string documented)
    {
        var mine = Key.Split(':');
        var theirs = documented.Split(':');
        for (var i = 0; i < mine.Length; i++)
        {
            if (i >= theirs.Length)
            {
                return false;
            }

            if (mine[i] == "<*>")
            {
                continue;
            }

            if (!string.Equals(mine[i], theirs[i], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }
}
