using Microsoft.Extensions.Options;
using Npgsql;
using RedshiftDataEmulator.Admin;
using RedshiftDataEmulator.Faults;
using RedshiftDataEmulator.Protocol;
using RedshiftDataEmulator.Statements;

namespace RedshiftDataEmulator;

/// <summary>Builds the emulator: a local Redshift Data API over PostgreSQL.</summary>
public static class EmulatorApplication
{
    /// <summary>Builds the web application; <paramref name="configure"/> may add configuration or services (tests).</summary>
    /// <param name="args">Command-line arguments (standard ASP.NET Core configuration, e.g. <c>--urls</c>).</param>
    /// <param name="configure">Called on the builder before it is built.</param>
    /// <exception cref="InvalidOperationException">ConnectionStrings:Warehouse is missing.</exception>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        // One log line per request would drown everything else under thousands of polls. Set in code rather than
        // an appsettings.json, which would be copied into (and collide in) the output of projects that reference this one.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        configure?.Invoke(builder);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Thousands of long polls may wait at once; each is an idle socket and a timer, nothing more.
            kestrel.Limits.MaxConcurrentConnections = null;
            kestrel.Limits.MaxConcurrentUpgradedConnections = null;
            kestrel.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(2);
            kestrel.AddServerHeader = false;
        });

        var services = builder.Services;
        services.AddOptions<EmulatorOptions>()
            .Bind(builder.Configuration.GetSection(EmulatorOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => string.IsNullOrEmpty(o.AccessKeyId) == string.IsNullOrEmpty(o.SecretAccessKey),
                "Emulator:AccessKeyId and Emulator:SecretAccessKey must be set together (both turn signature checking on) or not at all.")
            .ValidateOnStart();
        services.TryAddSingletonTimeProvider();

        var connectionString = builder.Configuration.GetConnectionString("Warehouse");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                "ConnectionStrings:Warehouse is not set: the emulator needs a PostgreSQL connection string for the database the SQL runs in " +
                "(e.g. --ConnectionStrings:Warehouse \"Host=127.0.0.1;Username=postgres;Database=warehouse\").");
        }

        services.AddSingleton(_ => new StateDataSource(new NpgsqlDataSourceBuilder(
            new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "redshift-emulator-state" }.ConnectionString).Build()));
        services.AddSingleton(_ => new WarehouseDataSource(new NpgsqlDataSourceBuilder(
            new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "redshift-emulator" }.ConnectionString).Build()));
        services.AddSingleton<StatementStore>();
        services.AddSingleton<StatementRunner>();
        services.AddSingleton<FaultInjector>();
        services.AddSingleton<DataApi>();
        services.AddHostedService<EmulatorLifecycle>();

        var app = builder.Build();
        app.MapPost("/", DataApiEndpoint.HandleAsync);
        app.MapAdminEndpoints();
        app.MapGet("/_emulator/health", () => Results.Ok(new { status = "ok" }));
        return app;
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}
