using System.Net;
using System.Security.Claims;

namespace Scheduler.Security;

/// <summary>Names and helpers of the service's access control.</summary>
internal static class SchedulerAuthentication
{
    /// <summary>The authentication scheme: HTTP Basic against <c>Security:Users</c>, or loopback when there is none.</summary>
    public const string Scheme = "SchedulerBasic";

    /// <summary>The authorization policy of trigger and cancel: an authenticated user with the Admin role.</summary>
    public const string AdminPolicy = "SchedulerAdmin";

    /// <summary>The realm sent in <c>WWW-Authenticate</c>.</summary>
    public const string Realm = "Scheduler";

    /// <summary>The user name given to anonymous loopback requests when no user is configured.</summary>
    public const string LoopbackUserName = "local";

    /// <summary>True for 127.0.0.0/8, ::1 and their IPv4-mapped forms.</summary>
    public static bool IsLoopback(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        return IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
    }

    /// <summary>True when the user may trigger and cancel runs.</summary>
    public static bool IsAdmin(ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true && user.IsInRole(nameof(SchedulerRole.Admin));

    /// <summary>The principal of an authenticated user.</summary>
    public static ClaimsPrincipal CreatePrincipal(string userName, SchedulerRole role, string authenticationType)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, userName), new Claim(ClaimTypes.Role, role.ToString())],
            authenticationType,
            ClaimTypes.Name,
            ClaimTypes.Role);
        return new ClaimsPrincipal(identity);
    }
}
