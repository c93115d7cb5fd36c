using Microsoft.Extensions.Options;
using Npgsql;
using RedshiftDataEmulator.Admin;
using RedshiftDataEmulator.Faults;
using RedshiftDataEmulator.Limits;
using RedshiftDataEmulator.Protocol;
using RedshiftDataEmulator.Protocol.Operations;
using RedshiftDataEmulator.Statements;

namespace RedshiftDataEmulator;

/// <summary>Builds the emulator: a local Redshift Data API over PostgreSQL.</summary>
public static class EmulatorApplication
{
    /// <summary>Where the emulator listens when no <c>urls</c> are configured: loopback, the AWS tools' local port.</summary>
    public const string DefaultUrl = "http://127.0.0.1:4566";

    /// <summary>Builds the web application; <paramref name="configure"/> may add configuration or services (tests).</summary>
    /// <param name="args">Command-line arguments (standard ASP.NET Core configuration, e.g. <c>--urls</c>).</param>
    /// <param name="configure">Called on the builder before it is built.</param>
    /// <exception cref="InvalidOperationException">
    /// ConnectionStrings:Warehouse is missing; or neither Emulator:AccessKeyId/SecretAccessKey nor Emulator:AllowUnsigned=true is
    /// set; or unsigned requests would be accepted on a non-loopback address.
    /// </exception>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        // One log line per request would drown everything else under thousands of polls. Set in code rather than
        // an appsettings.json, which would be copied into (and collide in) the output of projects that reference this one.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        configure?.Invoke(builder);

        var settings = builder.Configuration.GetSection(EmulatorOptions.SectionName).Get<EmulatorOptions>() ?? new EmulatorOptions();
        CheckExposure(builder, settings);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Thousands of long polls may wait at once; each is an idle socket and a timer, nothing more.
            kestrel.Limits.MaxConcurrentConnections = null;
            kestrel.Limits.MaxConcurrentUpgradedConnections = null;
            // A backstop only: DataApiEndpoint refuses larger bodies itself, in the AWS error shape.
            kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBytes + 1L;
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(2);
            kestrel.AddServerHeader = false;
        });

        var services = builder.Services;
        services.AddOptions<EmulatorOptions>()
            .Bind(builder.Configuration.GetSection(EmulatorOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<EmulatorOptions>, EmulatorOptionsValidator>();
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
        services.AddSingleton<ActiveStatementLimiter>();
        services.AddSingleton<CallQuota>();
        services.AddSingleton<StatementLookup>();
        services.AddSingleton<StatementSubmitter>();
        services.AddSingleton<ResultPages>();
        services.AddSingleton<IDataApiOperation, ExecuteStatementOperation>();
        services.AddSingleton<IDataApiOperation, BatchExecuteStatementOperation>();
        services.AddSingleton<IDataApiOperation, DescribeStatementOperation>();
        services.AddSingleton<IDataApiOperation, CancelStatementOperation>();
        services.AddSingleton<IDataApiOperation, GetStatementResultOperation>();
        services.AddSingleton<IDataApiOperation, GetStatementResultV2Operation>();
        services.AddSingleton<IDataApiOperation, ListStatementsOperation>();
        services.AddSingleton<DataApiOperations>();
        services.AddHostedService<EmulatorLifecycle>();

        var app = builder.Build();
        app.UseLoopbackHostCheck();
        app.UseAdminAccess();
        app.MapPost("/", DataApiEndpoint.HandleAsync);
        app.MapAdminEndpoints();
        app.MapGet(AdminAccess.HealthPath, () => Results.Ok(new { status = "ok" }));
        return app;
    }

    /// <summary>
    /// Development and tests only: the emulator runs any SQL it is sent with its database user's rights, so it listens
    /// on loopback unless told otherwise, and never accepts unsigned requests unless told so, and then only on loopback.
    /// </summary>
    private static void CheckExposure(WebApplicationBuilder builder, EmulatorOptions settings)
    {
        var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey];
        if (string.IsNullOrWhiteSpace(urls))
        {
            urls = DefaultUrl;
            builder.WebHost.UseUrls(urls);
        }

        var keys = !string.IsNullOrEmpty(settings.AccessKeyId) || !string.IsNullOrEmpty(settings.SecretAccessKey);
        if (!keys && !settings.AllowUnsigned)
        {
            throw new InvalidOperationException(
                "The Redshift Data API emulator refuses to start without signature checking: it runs any SQL it is sent. " +
                "Set Emulator:AccessKeyId and Emulator:SecretAccessKey (environment Emulator__AccessKeyId, Emulator__SecretAccessKey) " +
                "to the key pair your client signs with (e.g. its AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), " +
                "or set Emulator:AllowUnsigned=true to accept unsigned requests on loopback (development only).");
        }

        var exposed = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(u => !IsLoopback(u)).ToList();
        if (!keys && exposed.Count > 0)
        {
            throw new InvalidOperationException(
                $"Emulator:AllowUnsigned=true is accepted on loopback addresses only, but the emulator would listen on {string.Join(", ", exposed)} (urls). " +
                $"Listen on 127.0.0.1 (e.g. --urls {DefaultUrl}) or set Emulator:AccessKeyId and Emulator:SecretAccessKey.");
        }
    }

    private static bool IsLoopback(string url)
    {
        var rest = url.Contains("://", StringComparison.Ordinal) ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
        var host = rest.StartsWith('[') ? rest[..(rest.IndexOf(']', StringComparison.Ordinal) + 1)] : rest.Split(':', '/')[0];
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address);
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}
