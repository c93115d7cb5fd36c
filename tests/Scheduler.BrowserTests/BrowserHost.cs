using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scheduler.Hosting;
using Scheduler.Security;
using Scheduler.Testing.Postgres;

namespace Scheduler.BrowserTests;

/// <summary>The real service on Kestrel at 127.0.0.1, on its own database and a temporary folder of mart SQL files.</summary>
public sealed class BrowserHost : IAsyncDisposable
{
    private readonly string _root;

    private BrowserHost(WebApplication app, string root, Uri baseAddress)
    {
        App = app;
        _root = root;
        BaseAddress = baseAddress;
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

    public static async Task<BrowserHost> StartAsync(string databasePrefix, IDictionary<string, string?> settings, IDictionary<string, string> sqlFiles)
    {
        var postgres = await PostgresServer.GetAsync();
        var connectionString = await postgres.CreateDatabaseAsync(databasePrefix);
        var root = Directory.CreateTempSubdirectory("scheduler-browser-").FullName;
        var sql = Directory.CreateDirectory(Path.Combine(root, "sql")).FullName;
        foreach (var (name, text) in sqlFiles)
        {
            await File.WriteAllTextAsync(Path.Combine(sql, name), text);
        }

        var configuration = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Scheduler"] = connectionString,
            ["Redshift:ServiceUrl"] = "http://127.0.0.1:9",
            ["Redshift:WorkgroupName"] = "test",
            ["Redshift:Database"] = "dev",
            ["Sql:Root"] = sql,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings)
        {
            configuration[key] = value;
        }

        var app = SchedulerApplication.Build(
            ["--contentRoot", root, "--environment", "Testing", "--urls", "http://127.0.0.1:0"],
            builder => builder.Configuration.AddInMemoryCollection(configuration));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new BrowserHost(app, root, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
