using System.Net.Http.Json;
using System.Text.Json;
using Hangfire;
using Hangfire.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Scheduler.Testing.Hosting;

namespace Scheduler.Tests.Marts;

/// <summary>
/// One instance of the real service (Kestrel on 127.0.0.1, Hangfire server) on a given database and Sql:Root, so tests
/// can run two side by side or restart one. Redshift points nowhere: these tests watch triggers, not submits.
/// </summary>
internal sealed class LiveMartsHost : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private LiveMartsHost(WebApplication app, Uri baseAddress)
    {
        App = app;
        Client = new HttpClient { BaseAddress = baseAddress };
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<LiveMartsHost> StartAsync(string connectionString, string sqlRoot, IDictionary<string, string?>? settings = null)
    {
        var app = await SchedulerTestHost.At(sqlRoot)
            .InEnvironment("Testing")
            .WithDatabase(connectionString)
            .WithRedshift("http://127.0.0.1:9", "test")
            .WithSettings(new Dictionary<string, string?>
            {
                ["Sql:Root"] = sqlRoot,
                ["Marts:RescanInterval"] = "00:00:01",
                ["Watching:Enabled"] = "false",
                ["Logging:LogLevel:Default"] = "Warning",
            })
            .WithSettings(settings)
            .StartAsync();
        return new LiveMartsHost(app, SchedulerTestHost.BaseAddressOf(app));
    }

    /// <summary>GET /api/marts.</summary>
    public async Task<JsonElement[]> GetMartsAsync() => (await Client.GetFromJsonAsync<JsonElement[]>("api/marts", Json))!;

    /// <summary>The mart in GET /api/marts, or null.</summary>
    public async Task<JsonElement?> GetMartAsync(string name) =>
        (await GetMartsAsync()).Cast<JsonElement?>().FirstOrDefault(m => m!.Value.GetProperty("name").GetString() == name);

    /// <summary>The Marts page's HTML.</summary>
    public Task<string> GetMartsPageAsync() => Client.GetStringAsync("hangfire/marts");

    /// <summary>Hangfire's recurring job with this id, or null.</summary>
    public RecurringJobDto? RecurringJob(string id)
    {
        using var connection = Services.GetRequiredService<JobStorage>().GetConnection();
        return connection.GetRecurringJobs().FirstOrDefault(j => j.Id == id);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
