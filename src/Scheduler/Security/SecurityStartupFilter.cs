using Microsoft.AspNetCore.HttpOverrides;

namespace Scheduler.Security;

/// <summary>
/// Puts the security middleware in front of everything else (routing, authentication, Hangfire, the API), so that
/// their answers too (401, 403, 429) carry the security headers and loopback mode refuses a request before anything
/// looks at it.
/// </summary>
internal sealed class SecurityStartupFilter(SchedulerUserDirectory users, ForwardedHeadersTrust trust, SecurityHeaders headers, IConfiguration configuration)
    : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            context.Response.OnStarting(state =>
            {
                headers.Apply(((HttpContext)state).Response.Headers);
                return Task.CompletedTask;
            }, context);
            return nextMiddleware(context);
        });

        if (users.IsEmpty)
        {
            app.UseMiddleware<LoopbackOnlyMiddleware>();
        }
        else if (!trust.IsEmpty
            && !string.Equals(configuration[LoopbackExposure.ForwardedHeadersEnabledKey], "true", StringComparison.OrdinalIgnoreCase))
        {
            // With ASPNETCORE_FORWARDEDHEADERS_ENABLED the host already runs this middleware (with our options).
            app.UseForwardedHeaders();
        }

        next(app);
    };

    /// <summary>
    /// Honours X-Forwarded-For/-Proto only from <c>Security:KnownProxies</c>/<c>KnownNetworks</c>, also when the
    /// hosting platform turned forwarded headers on (its setup trusts every sender); from nobody when none is configured.
    /// </summary>
    public static void ConfigureForwardedHeaders(ForwardedHeadersOptions options, SchedulerUserDirectory users, ForwardedHeadersTrust trust)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        if (users.IsEmpty || trust.IsEmpty)
        {
            options.ForwardedHeaders = ForwardedHeaders.None;
            return;
        }

        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        foreach (var proxy in trust.Proxies)
        {
            options.KnownProxies.Add(proxy);
        }

        foreach (var network in trust.Networks)
        {
            options.KnownIPNetworks.Add(network);
        }
    }
}
