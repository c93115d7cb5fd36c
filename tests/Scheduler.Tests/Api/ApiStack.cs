using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Scheduler.Testing;
using Scheduler.Tests.Runs;

namespace Scheduler.Tests.Api;

/// <summary>The whole stack (scheduler, Hangfire server, emulator over a warehouse) with HTTP clients for the API.</summary>
internal sealed class ApiStack : IAsyncDisposable
{
    /// <summary>A batch that succeeds: two statements with rows.</summary>
    public const string SampleSql = "create temp table t as select 1 as x; select count(*) from t;";

    /// <summary>A statement the emulator keeps running for a minute without a database connection.</summary>
    public const string LongSql = "/* emulator: sleep=60 */ select 1";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private ApiStack(RunHarness harness, Uri baseAddress)
    {
        Harness = harness;
        BaseAddress = baseAddress;
    }

    public RunHarness Harness { get; }

    public Uri BaseAddress { get; }

    public static async Task<ApiStack> StartAsync(string name, IReadOnlyDictionary<string, string>? marts = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var harness = await RunHarness.StartAsync(name, marts ?? new Dictionary<string, string> { ["sample"] = SampleSql, ["slow"] = LongSql }, settings);
        var address = harness.App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ApiStack(harness, new Uri(address.TrimEnd('/') + "/"));
    }

    public HttpClient Client(string? user = null, string? password = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (user is not null)
        {
            client.DefaultRequestHeaders.Authorization = OpsHost.Basic(user, password ?? "");
        }

        return client;
    }

    /// <summary>GETs the run until <paramref name="condition"/> holds on its JSON.</summary>
    public static Task<JsonElement> WaitForRunJsonAsync(HttpClient client, string location, Func<JsonElement, bool> condition) =>
        Eventually.ValueAsync(() => client.GetFromJsonAsync<JsonElement>(location, Json), condition,
            $"the run at {location} reaches the expected state", describe: run => run.ToString());

    public ValueTask DisposeAsync() => Harness.DisposeAsync();
}
