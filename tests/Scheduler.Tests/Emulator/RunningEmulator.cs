using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RedshiftDataEmulator;
using RedshiftDataEmulator.Admin;

namespace Scheduler.Tests.Emulator;

/// <summary>
/// The Redshift Data API emulator hosted in-process on a free loopback port, over a real PostgreSQL database.
/// </summary>
public sealed class RunningEmulator : IAsyncDisposable
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly Dictionary<string, string?> _settings;
    private WebApplication _app;

    private RunningEmulator(WebApplication app, Dictionary<string, string?> settings, Uri baseAddress)
    {
        _app = app;
        _settings = settings;
        BaseAddress = baseAddress;
        HttpClient = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(100) };
    }

    /// <summary>Where the emulator listens, e.g. <c>http://127.0.0.1:41234/</c>; unchanged by <see cref="RestartAsync"/>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client for raw calls, based at <see cref="BaseAddress"/>.</summary>
    public HttpClient HttpClient { get; }

    /// <summary>The running application (its services, for white-box checks).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts an emulator whose SQL and state live in <paramref name="warehouseConnectionString"/>.</summary>
    /// <param name="warehouseConnectionString">ConnectionStrings:Warehouse.</param>
    /// <param name="settings">More configuration, e.g. <c>Emulator:AccessKeyId</c>, <c>Emulator:StatementRetention</c>.</param>
    /// <param name="ct">Cancels the start.</param>
    public static async Task<RunningEmulator> StartAsync(
        string warehouseConnectionString, IReadOnlyDictionary<string, string?>? settings = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(warehouseConnectionString);
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["ConnectionStrings:Warehouse"] = warehouseConnectionString,
        };
        var app = await StartAppAsync(all, "http://127.0.0.1:0", ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningEmulator(app, all, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>
    /// Stops the emulator (its running SQL is cancelled, nothing more is recorded) and starts it again on the same
    /// port and state, as after a crash: start-up recovery then decides what became of unfinished statements.
    /// </summary>
    public async Task RestartAsync(CancellationToken ct = default)
    {
        await _app.StopAsync(ct);
        await _app.DisposeAsync();
        _app = await StartAppAsync(_settings, BaseAddress.GetLeftPart(UriPartial.Authority), ct);
    }

    /// <summary>The submission log: every statement the emulator accepted, oldest first.</summary>
    public async Task<IReadOnlyList<SubmittedStatement>> GetStatementsAsync(CancellationToken ct = default) =>
        await HttpClient.GetFromJsonAsync<List<SubmittedStatement>>("_emulator/statements", s_json, ct) ?? [];

    /// <summary>Injects faults into every later Data API call.</summary>
    public async Task SetFaultsAsync(double throttleRate, double errorRate, int latencyMs, CancellationToken ct = default)
    {
        using var response = await HttpClient.PostAsJsonAsync("_emulator/faults", new { throttleRate, errorRate, latencyMs }, ct);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Removes all injected faults.</summary>
    public async Task ClearFaultsAsync(CancellationToken ct = default)
    {
        using var content = new StringContent("{}", Encoding.UTF8, "application/json");
        using var response = await HttpClient.PostAsync(new Uri("_emulator/faults", UriKind.Relative), content, ct);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Stops the emulator.</summary>
    public async ValueTask DisposeAsync()
    {
        HttpClient.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task<WebApplication> StartAppAsync(Dictionary<string, string?> settings, string url, CancellationToken ct)
    {
        var app = EmulatorApplication.Build(["--urls", url], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await app.StartAsync(ct);
        return app;
    }
}
