using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
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

        services.AddSingleton(new SchedulerUserDirectory(users));
        services.AddSingleton<CredentialVerifier>();
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
        }
        else
        {
            logger.UsersConfigured(users.Users.Count);
        }

        return app;
    }
}
