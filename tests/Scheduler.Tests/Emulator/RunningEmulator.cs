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
using RedshiftDataEmulator.Limits;
using Scheduler.Testing.Aws;

namespace Scheduler.Tests.Emulator;

/// <summary>
/// The Redshift Data API emulator hosted in-process on a free loopback port, over a real PostgreSQL database. It checks
/// signatures made with <see cref="AccessKeyId"/>/<see cref="SecretAccessKey"/> (the scheduler's test credentials)
/// unless the settings give other keys or <c>Emulator:AllowUnsigned</c>; <see cref="HttpClient"/> signs with them.
/// </summary>
public sealed class RunningEmulator : IAsyncDisposable
{
    /// <summary>The access key id the emulator expects by default (the one the run tests give the scheduler).</summary>
    public const string AccessKeyId = "AKIDTEST";

    /// <summary>The secret for <see cref="AccessKeyId"/>.</summary>
    public const string SecretAccessKey = "test-secret";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly Dictionary<string, string?> _settings;
    private readonly TimeProvider? _timeProvider;
    private WebApplication _app;

    private RunningEmulator(WebApplication app, Dictionary<string, string?> settings, TimeProvider? timeProvider, Uri baseAddress)
    {
        _app = app;
        _settings = settings;
        _timeProvider = timeProvider;
        BaseAddress = baseAddress;
        var key = settings.GetValueOrDefault("Emulator:AccessKeyId");
        var secret = settings.GetValueOrDefault("Emulator:SecretAccessKey");
        HttpClient = string.IsNullOrEmpty(key) || string.IsNullOrEmpty(secret)
            ? new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(100) }
            : SigV4SigningHandler.CreateClient(baseAddress, key, secret);
    }

    /// <summary>Where the emulator listens, e.g. <c>http://127.0.0.1:41234/</c>; unchanged by <see cref="RestartAsync"/>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client for raw calls, based at <see cref="BaseAddress"/>; it signs with the emulator's keys, if any.</summary>
    public HttpClient HttpClient { get; }

    /// <summary>The running application (its services, for white-box checks).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts an emulator whose SQL and state live in <paramref name="warehouseConnectionString"/>.</summary>
    /// <param name="warehouseConnectionString">ConnectionStrings:Warehouse.</param>
    /// <param name="settings">
    /// More configuration, e.g. <c>Emulator:StatementRetention</c>; <c>Emulator:AccessKeyId</c>/<c>SecretAccessKey</c>
    /// replace the default keys, <c>Emulator:AllowUnsigned=true</c> (without keys) turns signature checking off.
    /// </param>
    /// <param name="timeProvider">The emulator's clock (e.g. a FakeTimeProvider for quota tests); the system clock when null.</param>
    /// <param name="ct">Cancels the start.</param>
    public static async Task<RunningEmulator> StartAsync(
        string warehouseConnectionString, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? timeProvider = null,
        CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(warehouseConnectionString);
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["ConnectionStrings:Warehouse"] = warehouseConnectionString,
        };
        if (!all.ContainsKey("Emulator:AccessKeyId") && !all.ContainsKey("Emulator:AllowUnsigned"))
        {
            all["Emulator:AccessKeyId"] = AccessKeyId;
            all["Emulator:SecretAccessKey"] = SecretAccessKey;
        }

        var app = await StartAppAsync(all, timeProvider, "http://127.0.0.1:0", ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningEmulator(app, all, timeProvider, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>
    /// Stops the emulator (its running SQL is cancelled, nothing more is recorded) and starts it again on the same
    /// port and state, as after a crash: start-up recovery then decides what became of unfinished statements.
    /// </summary>
    public async Task RestartAsync(CancellationToken ct = default)
    {
        await _app.StopAsync(ct);
        await _app.DisposeAsync();
        _app = await StartAppAsync(_settings, _timeProvider, BaseAddress.GetLeftPart(UriPartial.Authority), ct);
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

    /// <summary>A client at <see cref="BaseAddress"/> that signs nothing (for requests a test signs itself, or not at all).</summary>
    public HttpClient CreateUnsignedClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(100) };

    /// <summary>Active statements per target, quotas and throttled calls (<c>GET /_emulator/limits</c>).</summary>
    public async Task<LimitsReport> GetLimitsAsync(CancellationToken ct = default) =>
        (await HttpClient.GetFromJsonAsync<LimitsReport>("_emulator/limits", s_json, ct))!;

    /// <summary>Stops the emulator.</summary>
    public async ValueTask DisposeAsync()
    {
        HttpClient.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task<WebApplication> StartAppAsync(Dictionary<string, string?> settings, TimeProvider? timeProvider, string url, CancellationToken ct)
    {
        var app = EmulatorApplication.Build(["--urls", url], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            if (timeProvider is not null)
            {
                builder.Services.AddSingleton(timeProvider);
            }

            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await app.StartAsync(ct);
        return app;
    }
}
