using System.Net;
using Microsoft.Extensions.Time.Testing;
using Scheduler.Testing;
using Scheduler.Testing.Postgres;

namespace Scheduler.Tests.Emulator;

public sealed class FaultInjectionTests : IAsyncLifetime
{
    private RunningEmulator _emulator = null!;

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.GetAsync();
        _emulator = await RunningEmulator.StartAsync(await server.CreateDatabaseAsync(nameof(FaultInjectionTests)));
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task Call_IsThrottled_WhenThrottleRateIsOne()
    {
        await _emulator.SetFaultsAsync(throttleRate: 1, errorRate: 0, latencyMs: 0);

        var (status, json, response) = await _emulator.CallAsync("BatchExecuteStatement", new { Sqls = new[] { "select 1" }, Database = "dev", WorkgroupName = "wg" });
        response.Dispose();

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("ThrottlingException", json.GetProperty("__type").GetString());
        Assert.Equal("Rate exceeded", json.GetProperty("message").GetString());
        Assert.Empty(await _emulator.GetStatementsAsync());
    }

    [Fact]
    public async Task Call_IsInternalError_WhenErrorRateIsOne_AndSucceedsAfterClear()
    {
        await _emulator.SetFaultsAsync(throttleRate: 0, errorRate: 1, latencyMs: 0);
        var (status, json, response) = await _emulator.CallAsync("ListStatements", new { Status = "ALL" });
        response.Dispose();

        await _emulator.ClearFaultsAsync();
        var (after, _, afterResponse) = await _emulator.CallAsync("ListStatements", new { Status = "ALL" });
        afterResponse.Dispose();

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("InternalServerException", json.GetProperty("__type").GetString());
        Assert.Equal(HttpStatusCode.OK, after);
    }

    [Fact]
    public async Task Call_IsDelayed_WhenLatencyIsSet()
    {
        // The latency waits on the emulator's clock: a fake one shows the call held until it has advanced.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var server = await PostgresServer.GetAsync();
        await using var emulator = await RunningEmulator.StartAsync(await server.CreateDatabaseAsync("emulator_latency"), timeProvider: clock);
        await emulator.SetFaultsAsync(throttleRate: 0, errorRate: 0, latencyMs: 300);

        var call = emulator.OkAsync("ListStatements", new { Status = "ALL" });
        // Advance in steps until it answers: it cannot before the clock has moved its 300 ms (the request may reach its
        // delay only after some steps on a busy machine, which only adds to the count).
        var advanced = TimeSpan.Zero;
        await Eventually.HoldsAsync(() =>
        {
            if (!call.IsCompleted)
            {
                clock.Advance(TimeSpan.FromMilliseconds(100));
                advanced += TimeSpan.FromMilliseconds(100);
            }

            return call.IsCompleted;
        }, "the delayed call answers once the emulator's clock has moved", interval: TimeSpan.FromMilliseconds(50));

        await call;
        Assert.True(advanced >= TimeSpan.FromMilliseconds(300), $"answered after the clock moved {advanced}");
    }

    [Fact]
    public async Task Faults_AreRejected_WhenRateIsOutOfRange()
    {
        using var content = new StringContent("""{"throttleRate":1.5}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await _emulator.HttpClient.PostAsync(new Uri("_emulator/faults", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("throttleRate", await response.Content.ReadAsStringAsync());
    }
}
