using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.HttpOverrides;
using Scheduler.Marts;

namespace Scheduler.Security;

/// <summary>Registers access control: users, HTTP Basic authentication, the Admin policy and antiforgery.</summary>
public static class SecurityServiceCollectionExtensions
{
    /// <summary>
    /// Validates <c>Security:Users</c> now and registers authentication and authorization: every endpoint needs an
    /// authenticated user unless it allows anonymous access (the health endpoints do), and
    /// <see cref="SchedulerAuthentication.AdminPolicy"/> needs the Admin role. Also registers antiforgery, which makes
    /// Hangfire's dashboard check the token on every command.
    /// </summary>
    /// <exception cref="SchedulerConfigurationException">A user's role or password hash is missing or malformed.</exception>
    public static IServiceCollection AddSchedulerSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<ConfigurationProblem>();
        var users = SecurityConfiguration.Read(configuration, problems);
        if (problems.Count > 0)
        {
            throw new SchedulerConfigurationException(problems);
        }

        var directory = new SchedulerUserDirectory(users);
        var trust = SecurityConfiguration.ReadForwardedHeadersTrust(configuration, []);
        services.AddSingleton(directory);
        services.AddSingleton(trust);
        services.AddSingleton<CredentialVerifier>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<LoginFailureLog>();
        services.AddTransient<IStartupFilter, SecurityStartupFilter>();
        services.PostConfigure<ForwardedHeadersOptions>(o => SecurityStartupFilter.ConfigureForwardedHeaders(o, directory, trust));
        services.AddProblemDetails();
        services.AddAntiforgery();
        services.AddAuthentication(SchedulerAuthentication.Scheme)
            .AddScheme<AuthenticationSchemeOptions, SchedulerAuthenticationHandler>(SchedulerAuthentication.Scheme, configureOptions: null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(SchedulerAuthentication.Scheme).RequireAuthenticatedUser().Build())
            .AddPolicy(SchedulerAuthentication.AdminPolicy, policy => policy
                .AddAuthenticationSchemes(SchedulerAuthentication.Scheme)
                .RequireAuthenticatedUser()
                .RequireRole(nameof(SchedulerRole.Admin)));
        return services;
    }

    /// <summary>Logs which access mode is in force (loopback only, or users).</summary>
    public static WebApplication LogSchedulerAccessMode(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var users = app.Services.GetRequiredService<SchedulerUserDirectory>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SchedulerAuthentication).FullName!);
        if (users.IsEmpty)
        {
            logger.LoopbackOnly();
            // The configuration check covers --urls and Kestrel endpoints; this catches any other way of binding.
            app.Lifetime.ApplicationStarted.Register(() =>
            {
                var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
                if (addresses.FirstOrDefault(a => !LoopbackExposure.IsLoopbackUrl(a)) is { } exposed)
                {
                    logger.ExposedLoopbackMode(exposed);
                    app.Lifetime.StopApplication();
                }
            });
        }
        else
        {
            logger.UsersConfigured(users.Users.Count);
        }

        return app;
    }
}
