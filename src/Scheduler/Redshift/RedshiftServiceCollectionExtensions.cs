using System.Diagnostics.Metrics;
using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scheduler.Configuration;

namespace Scheduler.Redshift;

/// <summary>Registers the Redshift Data API client.</summary>
internal static class RedshiftServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="RedshiftClientOptions"/> from the <c>Redshift</c> section (validated at start-up) and registers
    /// <see cref="IRedshiftDataClient"/> as a singleton <see cref="RedshiftDataClient"/>, plus <see cref="TimeProvider.System"/>
    /// when no TimeProvider is registered. An <see cref="AWSCredentials"/> registered in the container is used instead of
    /// the SDK's default credential chain; an <see cref="IRedshiftCallBudget"/> registered in the container becomes a stage
    /// of the client's HTTP pipeline (<see cref="RedshiftCallBudgetHandler"/>), so every HTTP attempt takes a token.
    /// </summary>
    public static IServiceCollection AddRedshiftDataClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddValidatedOptions<RedshiftClientOptions, RedshiftClientOptionsValidator>()
            .Bind(configuration.GetSection(RedshiftClientOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<IRedshiftDataClient>(provider => new RedshiftDataClient(
            CreateHttpClient(provider.GetService<IRedshiftCallBudget>()),
            provider.GetRequiredService<IOptions<RedshiftClientOptions>>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<RedshiftDataClient>>(),
            provider.GetService<AWSCredentials>(),
            provider.GetService<IMeterFactory>())
        {
            OwnsHttpClient = true,
        });
        return services;
    }

    /// <summary>One pooled handler for the process: thousands of concurrent long polls need many connections, and DNS
    /// changes need connections to be recycled.</summary>
    internal static HttpClient CreateHttpClient(IRedshiftCallBudget? budget = null)
    {
        HttpMessageHandler handler = CreateHandler();
        if (budget is not null)
        {
            handler = new RedshiftCallBudgetHandler(budget) { InnerHandler = handler };
        }

        // Per-attempt timeouts come from RedshiftClientOptions.RequestTimeout (> 30 s for long polling).
        return new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    internal static SocketsHttpHandler CreateHandler() =>
        new()
        {
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
}
