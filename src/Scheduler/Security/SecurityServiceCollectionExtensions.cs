using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using Scheduler.Configuration;
using Scheduler.Hosting;
using Scheduler.Marts;

namespace Scheduler.Security;

/// <summary>Registers access control: users, HTTP Basic authentication, the Admin policy and antiforgery.</summary>
internal static class SecurityServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="SecurityOptions"/> (validated by <see cref="SecurityOptionsValidator"/>, also on start) and
    /// registers authentication and authorization: every endpoint needs an authenticated user unless it allows
    /// anonymous access (the health endpoints do), and <see cref="SchedulerAuthentication.AdminPolicy"/> needs the
    /// Admin role. Also registers antiforgery, which makes Hangfire's dashboard check the token on every command.
    /// </summary>
    /// <remarks>
    /// The access mode decides which middleware the pipeline gets, so the service must not be built, let alone start,
    /// with a broken or exposed configuration: <c>SchedulerApplication.Build</c> lists the problems of every options
    /// class (these included) before it returns, and <see cref="SecuritySettings"/> is only made from validated options.
    /// </remarks>
    public static IServiceCollection AddSchedulerSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions(new SecurityOptionsValidator(configuration)).Bind(configuration.GetSection(SecurityOptions.SectionName));
        // IOptions<T>.Value runs the validator first, so the settings are read from options known to be valid.
        services.AddSingleton(provider => SecurityConfiguration.Validate(
            provider.GetRequiredService<IOptions<SecurityOptions>>().Value, configuration, new List<ConfigurationProblem>()));
        services.AddSingleton(provider => new SchedulerUserDirectory(provider.GetRequiredService<SecuritySettings>().Users));
        services.AddSingleton(provider => provider.GetRequiredService<SecuritySettings>().Trust);
        services.AddSingleton<CredentialVerifier>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<LoginFailureLog>();
        services.AddSingleton<SecurityHeaders>();
        services.AddTransient<IStartupFilter, SecurityStartupFilter>();
        services.AddOptions<ForwardedHeadersOptions>().PostConfigure<SchedulerUserDirectory, ForwardedHeadersTrust>(SecurityStartupFilter.ConfigureForwardedHeaders);
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
