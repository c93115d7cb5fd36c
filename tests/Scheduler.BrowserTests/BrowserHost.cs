using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using RedshiftDataEmulator;
using Scheduler.Security;
using Scheduler.Testing.Hosting;
using Scheduler.Testing.Postgres;

namespace Scheduler.BrowserTests;

/// <summary>The real service on Kestrel at 127.0.0.1, on its own database and a temporary folder of mart SQL files.</summary>
public sealed class BrowserHost : IAsyncDisposable
{
    private readonly string _root;
    private readonly WebApplication _emulator;
    private readonly string[] _connectionStrings;

    private BrowserHost(WebApplication app, WebApplication emulator, string root, Uri baseAddress, string[] connectionStrings)
    {
        App = app;
        _emulator = emulator;
        _root = root;
        BaseAddress = baseAddress;
        _connectionStrings = connectionStrings;
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>Settings for users with hashes of their passwords.</summary>
    public static Dictionary<string, string?> Users(params (string Name, string Password, string Role)[] users)
    {
        var settings = new Dictionary<string, string?>();
        foreach (var (name, password, role) in users)
        {
            settings[$"Security:Users:{name}:PasswordHash"] = PasswordHash.Create(password, PasswordHash.MinIterations).ToString();
            settings[$"Security:Users:{name}:Role"] = role;
        }

        return settings;
    }

    /// <summary>Starts the emulator over a warehouse with the sample data, then the scheduler against it.</summary>
    public static async Task<BrowserHost> StartAsync(string databasePrefix, IDictionary<string, string?> settings, IDictionary<string, string> sqlFiles)
    {
        var postgres = await PostgresServer.GetAsync();
        var connectionString = await postgres.CreateDatabaseAsync(databasePrefix + "_s");
        var warehouse = await postgres.CreateDatabaseAsync(databasePrefix + "_w");
        await using (var source = NpgsqlDataSource.Create(warehouse))
        {
            foreach (var file in new[] { "schema.sql", "seed.sql" })
            {
                await using var command = source.CreateCommand(await File.ReadAllTextAsync(Path.Combine(Artifacts.RepositoryRoot, "sql", "local", file)));
                await command.ExecuteNonQueryAsync();
            }
        }

        var emulator = EmulatorApplication.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Warehouse"] = warehouse,
                // The key pair the scheduler signs with (below): the emulator checks signatures.
                ["Emulator:AccessKeyId"] = "AKIDBROWSER",
                ["Emulator:SecretAccessKey"] = "browser-secret",
            });
            builder.Logging.ClearProviders();
        });
        await emulator.StartAsync();
        var emulatorAddress = emulator.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var root = Directory.CreateTempSubdirectory("scheduler-browser-").FullName;
        var sql = Directory.CreateDirectory(Path.Combine(root, "sql")).FullName;
        foreach (var (name, text) in sqlFiles)
        {
            await File.WriteAllTextAsync(Path.Combine(sql, name), text);
        }

        var app = await SchedulerTestHost.At(root)
            .InEnvironment("Testing")
            .WithDatabase(connectionString)
            .WithRedshift(emulatorAddress, "local")
            .WithAwsCredentials("AKIDBROWSER", "browser-secret")
            .WithSettings(new Dictionary<string, string?>
            {
                ["Sql:Root"] = sql,
                ["Logging:LogLevel:Default"] = "Warning",
            })
            .WithSettings(settings)
            .StartAsync();
        return new BrowserHost(app, emulator, root, SchedulerTestHost.BaseAddressOf(app), [connectionString, warehouse]);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await _emulator.StopAsync();
        await _emulator.DisposeAsync();
        foreach (var connectionString in _connectionStrings)
        {
            using var connection = new NpgsqlConnection(connectionString);
            NpgsqlConnection.ClearPool(connection);
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
