using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scheduler.Security;
using Scheduler.Testing.Hosting;
using Scheduler.Testing.Postgres;

namespace Scheduler.Tests.Api;

/// <summary>
/// The real service (built by <see cref="SchedulerTestHost"/>) on its own PostgreSQL database and a temporary
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

        var messages = new ConcurrentQueue<string>();
        var host = SchedulerTestHost.At(root)
            .InEnvironment("Testing")
            .WithDatabase(connectionString)
            .WithRedshift("http://127.0.0.1:9", "test")
            .WithSettings(new Dictionary<string, string?>
            {
                ["Sql:Root"] = sql,
                ["Marts:sample:SqlFile"] = "sample.sql",
                ["Marts:sample:Cron"] = "0 3 * * *",
                ["Marts:sample:TimeZone"] = "Europe/Berlin",
                ["Logging:LogLevel:Default"] = "Warning",
            })
            .WithSettings(settings)
            .Configure(builder => builder.Logging.AddProvider(new CapturingLoggerProvider(messages)));
        if (args is not null)
        {
            host.WithUrlArguments(args);
        }

        if (configure is not null)
        {
            host.Configure(configure);
        }

        if (testServer)
        {
            host.Configure(builder => builder.WebHost.UseTestServer());
        }

        var app = await host.StartAsync();
        Uri? address = null;
        if (!testServer)
        {
            address = SchedulerTestHost.BaseAddressOf(app);
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
