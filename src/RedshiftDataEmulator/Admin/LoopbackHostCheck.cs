using Microsoft.Extensions.Options;
using RedshiftDataEmulator.Protocol;

namespace RedshiftDataEmulator.Admin;

/// <summary>
/// Without signature checking (<c>Emulator:AllowUnsigned</c>) the emulator serves anything that reaches its loopback
/// address, and a web page can reach it: a DNS name that re-resolves to 127.0.0.1 (DNS rebinding) lets the page's
/// script call the emulator, which runs its SQL as the warehouse's user. Such a request carries the page's own Host, so
/// in that mode only <c>localhost</c>, <c>127.0.0.1</c> and <c>[::1]</c> are served, as the scheduler does in its
/// loopback mode. Signed requests need no such check: a page cannot sign them.
/// </summary>
internal static class LoopbackHostCheck
{
    public static void UseLoopbackHostCheck(this WebApplication app) => app.Use(async (context, next) =>
    {
        var options = context.RequestServices.GetRequiredService<IOptions<EmulatorOptions>>().Value;
        if (!options.VerifiesSignatures && !IsLoopbackHost(context.Request.Host.Host))
        {
            context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
            await DataApiEndpoint.WriteErrorAsync(context, new ApiException(403, "AccessDeniedException",
                "Unsigned requests are served to Host localhost, 127.0.0.1 or [::1] only (Emulator:AllowUnsigned); " +
                "another Host may be a web page reaching this machine through DNS rebinding."), context.RequestAborted);
            return;
        }

        await next(context);
    });

    public static bool IsLoopbackHost(string? host) =>
        host is not null
        && (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || host.Equals("127.0.0.1", StringComparison.Ordinal)
            || host.Equals("[::1]", StringComparison.Ordinal)
            || host.Equals("::1", StringComparison.Ordinal));
}
