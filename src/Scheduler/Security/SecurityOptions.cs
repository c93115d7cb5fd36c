namespace Scheduler.Security;

/// <summary>
/// The <c>Security</c> section as configured (strings, bound by the configuration binder); checked by
/// <see cref="SecurityOptionsValidator"/>, which lists every problem at once.
/// </summary>
internal sealed class SecurityOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Security";

    /// <summary><c>Security:Users:&lt;user&gt;</c>: the dashboard and API users. None means loopback mode.</summary>
    public Dictionary<string, SecurityUserOptions> Users { get; } = new(StringComparer.Ordinal);

    /// <summary><c>Security:KnownProxies</c>: IP addresses whose forwarded headers are honoured (users mode only).</summary>
    public IList<string> KnownProxies { get; } = [];

    /// <summary><c>Security:KnownNetworks</c>: networks (CIDR) whose forwarded headers are honoured (users mode only).</summary>
    public IList<string> KnownNetworks { get; } = [];
}
