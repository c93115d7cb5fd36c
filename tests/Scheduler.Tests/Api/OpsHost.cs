using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Scheduler.Hosting;
using Scheduler.Security;
using Scheduler.Testing.Postgres;

namespace Scheduler.Tests.Api;

/// <summary>
/// The real service (<see cref="SchedulerApplication.Build"/>) on its own PostgreSQL database and a temporary
/// content root with one mart, on Kestrel at 127.0.0.1 or, for requests from a non-loopback address, on an
/// in-process test server.
/// </summary>
internal sealed class OpsHost : IAsyncDisposable
{
    /// <summary>A cheap but valid hash iteration count for test users.</summary>
    public const int TestIterations = PasswordHash.MinIterations;

    private readonly string _root;

    private readonly ConcurrentQueue<string> _logs;

    private OpsHost(WebApplication app, string root, Uri? baseAddress, string connectionString, ConcurrentQueue<string> logs)
    {
        App = app;
        _logs = logs;
        _root = root;
        BaseAddress = baseAddress;
        ConnectionString = connectionString;
    }

    public WebApplication App { get; }

    /// <summary>Kestrel's address, or null on the test server.</summary>
    public Uri? BaseAddress { get; }

    public string ConnectionString { get; }

    public IServiceProvider Services => App.Services;

    public static Dictionary<string, string?> Users(params (string Name, string Password, string Role)[] users)
    {
        var settings = new Dictionary<string, string?>();
        foreach (var (name, password, role) in users)
        {
            settings[$"Security:Users:{name}:PasswordHash"] = PasswordHash.Create(password, TestIterations).ToString();
            settings[$"Security:Users:{name}:Role"] = role;
        }

        return settings;
    }

    public static async Task<OpsHost> StartAsync(string databasePrefix, IDictionary<string, string?>? settings = null,
        bool testServer = false, IDictionary<string, string>? sqlFiles = null, Action<WebApplicationBuilder>? configure = null,
        IReadOnlyList<string>? args = null)
    {
        var postgres = await PostgresServer.GetAsync();
        var connectionString = await postgres.CreateDatabaseAsync(databasePrefix);
        var root = Directory.CreateTempSubdirectory("scheduler-ops-").FullName;
        var sql = Directory.CreateDirectory(Path.Combine(root, "sql")).FullName;
        var files = sqlFiles ?? new Dictionary<string, string> { ["sample.sql"] = "select 1;" };
        foreach (var (name, text) in files)
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
            ["Marts:sample:SqlFile"] = "sample.sql",
            ["Marts:sample:Cron"] = "0 3 * * *",
            ["Marts:sample:TimeZone"] = "Europe/Berlin",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var messages = new ConcurrentQueue<string>();
        var app = SchedulerApplication.Build(
            ["--contentRoot", root, "--environment", "Testing", .. args ?? ["--urls", "http://127.0.0.1:0"]],
            builder =>
            {
                configure?.Invoke(builder);
                builder.Configuration.AddInMemoryCollection(configuration);
                builder.Logging.AddProvider(new CapturingLoggerProvider(messages));
                if (testServer)
                {
                    builder.WebHost.UseTestServer();
                }
            });
        await app.StartAsync();
        Uri? address = null;
        if (!testServer)
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
            address = new Uri(addresses.Addresses.First());
        }

        return new OpsHost(app, root, address, connectionString, messages);
    }

    /// <summary>Every log message so far (level, category, formatted text).</summary>
    public IReadOnlyList<string> Logs => [.. _logs];

    public HttpClient CreateClient(string? user = null, string? password = null)
    {
        var client = BaseAddress is null
            ? App.GetTestServer().CreateClient()
            : new HttpClient { BaseAddress = BaseAddress };
        if (user is not null)
        {
            client.DefaultRequestHeaders.Authorization = Basic(user, password ?? "");
        }

        return client;
    }

    /// <summary>Reads Hangfire's antiforgery header name and token from a dashboard page (the client keeps the cookie).</summary>
    public static async Task<(string Header, string Token)> GetAntiforgeryAsync(HttpClient client, string page = "/hangfire")
    {
        var html = await client.GetStringAsync(page);
        return (Meta(html, "csrf-header"), Meta(html, "csrf-token"));
    }

    private static string Meta(string html, string name)
    {
        var match = System.Text.RegularExpressions.Regex.Match(html, $"<meta name=\"{name}\" content=\"([^\"]*)\"");
        Assert.True(match.Success, $"The page has no <meta name=\"{name}\">.");
        return System.Net.WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        // Idle pooled connections of a finished test would otherwise hold server slots for minutes.
        using (var connection = new Npgsql.NpgsqlConnection(ConnectionString))
        {
            Npgsql.NpgsqlConnection.ClearPool(connection);
        }
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> messages) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, messages);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> messages) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : "\n" + exception)}";
            messages.Enqueue(line);
        }
    }
}
