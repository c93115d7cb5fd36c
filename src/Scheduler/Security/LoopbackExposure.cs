using System.Net;
using Microsoft.AspNetCore.Http;
using Scheduler.Configuration;
using Scheduler.Marts;

namespace Scheduler.Security;

/// <summary>
/// Loopback mode (no user configured) trusts every request that reaches it as an Admin, so it must only be reachable
/// from this machine: these checks refuse to start it on a non-loopback address or behind forwarded headers.
/// </summary>
internal static class LoopbackExposure
{
    /// <summary>The configuration key ASP.NET Core reads <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED</c> into.</summary>
    public const string ForwardedHeadersEnabledKey = "FORWARDEDHEADERS_ENABLED";

    private const string Fix =
        "configure users (Security:Users:<user>:PasswordHash and :Role, hashes from 'scheduler hash-password'; see docs/security.md)";

    /// <summary>Adds a problem for every setting that would expose loopback mode.</summary>
    public static void Check(IConfiguration configuration, ICollection<ConfigurationProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(problems);
        var urls = ListeningUrls(configuration).ToList();
        foreach (var (key, url) in urls)
        {
            if (!IsLoopbackUrl(url))
            {
                problems.Add(new(key, url,
                    "a loopback address (http://127.0.0.1:PORT, http://localhost:PORT or http://[::1]:PORT) while no user is configured " +
                    $"under Security:Users: anyone who reaches this address would be an Admin. Listen on loopback, or {Fix}"));
            }
        }

        foreach (var key in new[] { "http_ports", "https_ports" })
        {
            // Kestrel ignores the ports when URLs are given.
            if (urls.Count == 0 && !string.IsNullOrWhiteSpace(configuration[key]))
            {
                problems.Add(new(key, configuration[key],
                    $"unset while no user is configured under Security:Users (ASPNETCORE_{key.ToUpperInvariant()} listens on every interface). " +
                    $"Use --urls http://127.0.0.1:PORT, or {Fix}"));
            }
        }

        if (string.Equals(configuration[ForwardedHeadersEnabledKey], "true", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(new($"ASPNETCORE_{ForwardedHeadersEnabledKey}", configuration[ForwardedHeadersEnabledKey],
                "unset or false while no user is configured under Security:Users: with forwarded headers on, any client can claim " +
                $"to be 127.0.0.1 (X-Forwarded-For) and be served as an Admin. Unset ASPNETCORE_{ForwardedHeadersEnabledKey}, or {Fix}"));
        }

        foreach (var key in new[] { SecurityConfiguration.KnownProxiesKey, SecurityConfiguration.KnownNetworksKey })
        {
            var section = configuration.GetSection(key);
            if (!string.IsNullOrWhiteSpace(section.Value) || section.GetChildren().Any())
            {
                problems.Add(new(key, section.Value ?? string.Join(",", section.GetChildren().Select(c => c.Value)),
                    $"empty while no user is configured under Security:Users: loopback mode refuses forwarded headers. To serve behind a proxy, {Fix}"));
            }
        }
    }

    /// <summary>True when the request is one loopback mode serves: from loopback, to a loopback Host, not forwarded.</summary>
    /// <param name="request">The request.</param>
    /// <param name="reason">Why not, for the 403's detail.</param>
    public static bool IsLocalRequest(HttpRequest request, out string reason)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!SchedulerAuthentication.IsLoopback(request.HttpContext.Connection.RemoteIpAddress))
        {
            reason = "the request does not come from the loopback interface";
            return false;
        }

        // A page whose DNS name re-resolves to 127.0.0.1 (DNS rebinding) reaches us from loopback with its own Host.
        if (!IsLoopbackHost(request.Host.Host))
        {
            reason = $"its Host is '{request.Host.Value}', not localhost, 127.0.0.1 or [::1]";
            return false;
        }

        foreach (var header in request.Headers.Keys)
        {
            if (header.Equals("Forwarded", StringComparison.OrdinalIgnoreCase)
                || header.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase))
            {
                reason = $"it carries the forwarded header '{header}': a proxy sent it, so it is not local";
                return false;
            }
        }

        reason = "";
        return true;
    }

    /// <summary>True for <c>localhost</c>, <c>127.0.0.1</c> and <c>[::1]</c> (the host part, without the port).</summary>
    public static bool IsLoopbackHost(string? host) =>
        host is not null
        && (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || host.Equals("127.0.0.1", StringComparison.Ordinal)
            || host.Equals("[::1]", StringComparison.Ordinal)
            || host.Equals("::1", StringComparison.Ordinal));

    /// <summary>True when a listening URL binds loopback only (<c>localhost</c>, 127.0.0.0/8, ::1).</summary>
    public static bool IsLoopbackUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        BindingAddress address;
        try
        {
            address = BindingAddress.Parse(url.Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        if (address.IsUnixPipe || address.IsNamedPipe)
        {
            return true;
        }

        var host = address.Host.Trim('[', ']');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

    /// <summary>The URLs the server is configured to listen on, with the key each came from.</summary>
    public static IEnumerable<(string Key, string Url)> ListeningUrls(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var urls = configuration["urls"];
        if (!string.IsNullOrWhiteSpace(urls))
        {
            foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                yield return ("urls", url);
            }
        }

        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (endpoint["Url"] is { Length: > 0 } url)
            {
                yield return ($"Kestrel:Endpoints:{endpoint.Key}:Url", url);
            }
        }
    }
}
