using System.Net;

namespace Scheduler.Security;

/// <summary>
/// Where forwarded headers (<c>X-Forwarded-For</c>, <c>X-Forwarded-Proto</c>) are honoured from, with users
/// configured: <c>Security:KnownProxies</c> and <c>Security:KnownNetworks</c>. Empty means from nobody.
/// </summary>
/// <param name="Proxies">The reverse proxies' addresses.</param>
/// <param name="Networks">Networks whose every address is a trusted proxy.</param>
internal sealed record ForwardedHeadersTrust(IReadOnlyList<IPAddress> Proxies, IReadOnlyList<IPNetwork> Networks)
{
    /// <summary>True when no proxy is trusted.</summary>
    public bool IsEmpty => Proxies.Count == 0 && Networks.Count == 0;
}
