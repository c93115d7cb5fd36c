using System.Net;
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
        await _emulator.SetFaultsAsync(throttleRate: 0, errorRate: 0, latencyMs: 300);
        var started = System.Diagnostics.Stopwatch.StartNew();

        await _emulator.OkAsync("ListStatements", new { Status = "ALL" });
        await _emulator.ClearFaultsAsync();

        Assert.True(started.ElapsedMilliseconds >= 290, $"took {started.ElapsedMilliseconds} ms");
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
