using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RedshiftDataEmulator.Protocol.Operations;
using Scheduler.Testing.Postgres;

namespace Scheduler.Tests.Emulator;

/// <summary>Redshift's limits as the emulator enforces them: active statements per target, calls per second per operation.</summary>
public sealed class LimitsTests
{
    private const string Sleeping = "/* emulator: sleep=600 */ select 1";

    [Fact]
    public async Task Submit_IsActiveStatementsExceeded_WhenTheTargetHasMaxActiveStatements()
    {
        await using var emulator = await StartAsync("emulator_cap", new() { ["Emulator:MaxActiveStatements"] = "2" });
        var first = await emulator.SubmitBatchAsync(Sleeping);
        await emulator.SubmitBatchAsync(Sleeping);

        var (status, json, response) = await emulator.CallAsync("ExecuteStatement", new { Sql = "select 1", Database = "dev", WorkgroupName = "wg" });
        response.Dispose();
        var otherWorkgroup = await emulator.OkAsync("ExecuteStatement", new { Sql = Sleeping, Database = "dev", WorkgroupName = "other" });
        var cluster = await emulator.OkAsync("BatchExecuteStatement", new { Sqls = new[] { Sleeping }, Database = "dev", ClusterIdentifier = "wg" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("ActiveStatementsExceededException", json.GetProperty("__type").GetString());
        Assert.Contains("workgroup 'wg'", json.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(await emulator.GetStatementsAsync(), s => s.Sqls[0] == "select 1");
        Assert.NotNull(otherWorkgroup.GetProperty("Id").GetString());
        Assert.NotNull(cluster.GetProperty("Id").GetString());

        // A slot frees when a statement ends.
        await emulator.OkAsync("CancelStatement", new { Id = first });
        await emulator.OkAsync("ExecuteStatement", new { Sql = "select 1", Database = "dev", WorkgroupName = "wg" });

        var limits = await emulator.GetLimitsAsync();
        Assert.Equal(2, limits.MaxActiveStatements);
        var wg = Assert.Single(limits.Targets, t => t.WorkgroupName == "wg");
        Assert.Equal(2, wg.PeakActive);
        Assert.Equal(1, wg.Refused);
        Assert.Equal(1, Assert.Single(limits.Targets, t => t.ClusterIdentifier == "wg").PeakActive);
    }

    [Fact]
    public async Task Submit_AnswersTheOriginalStatement_WhenItsClientTokenRepeatsAtTheCap()
    {
        await using var emulator = await StartAsync("emulator_cap_token", new() { ["Emulator:MaxActiveStatements"] = "1" });
        var request = new { Sqls = new[] { Sleeping }, Database = "dev", WorkgroupName = "wg", ClientToken = "cap-token" };
        var first = await emulator.OkAsync("BatchExecuteStatement", request);

        // A retry whose first answer was lost: idempotent, so it needs no slot of its own.
        var again = await emulator.OkAsync("BatchExecuteStatement", request);
        var (status, json, response) = await emulator.CallAsync("BatchExecuteStatement", request with { ClientToken = "other-token" });
        response.Dispose();

        Assert.Equal(first.GetProperty("Id").GetString(), again.GetProperty("Id").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("ActiveStatementsExceededException", json.GetProperty("__type").GetString());
        var wg = Assert.Single((await emulator.GetLimitsAsync()).Targets);
        Assert.Equal((1, 1, 1L), (wg.Active, wg.PeakActive, wg.Refused));
        Assert.Single(await emulator.GetStatementsAsync());
    }

    [Fact]
    public async Task Call_IsThrottled_WhenTheOperationsQuotaIsSpentWithinOneSecond()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var emulator = await StartAsync("emulator_quota", new()
        {
            ["Emulator:Quotas:ListStatements"] = "2",
            ["Emulator:Quotas:DescribeStatement"] = "0",
        }, clock);

        await emulator.OkAsync("ListStatements", new { });
        await emulator.OkAsync("ListStatements", new { });
        var (status, json, response) = await emulator.CallAsync("ListStatements", new { });
        response.Dispose();
        var (unlimited, _, other) = await emulator.CallAsync("DescribeStatement", new { Id = Guid.NewGuid().ToString() });
        other.Dispose();

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("ThrottlingException", json.GetProperty("__type").GetString());
        Assert.Equal("Rate exceeded", json.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unlimited);

        clock.Advance(TimeSpan.FromSeconds(1));
        await emulator.OkAsync("ListStatements", new { });

        var limits = await emulator.GetLimitsAsync();
        var list = Assert.Single(limits.Operations, o => o.Operation == "ListStatements");
        Assert.Equal((2, 3L, 1L, 2), (list.Quota, list.Calls, list.Throttled, list.PeakCallsPerSecond));
        Assert.Equal(0, Assert.Single(limits.Operations, o => o.Operation == "DescribeStatement").Throttled);
    }

    [Fact]
    public async Task Submit_IsThrottledBeforeItIsValidatedOrStored_WhenTheSubmitQuotaIsSpent()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var emulator = await StartAsync("emulator_quota_submit", new() { ["Emulator:Quotas:BatchExecuteStatement"] = "1" }, clock);
        await emulator.SubmitBatchAsync("select 1");

        var (status, json, response) = await emulator.CallAsync("BatchExecuteStatement", new { Sqls = new[] { "select 2" }, Database = "dev", WorkgroupName = "wg" });
        response.Dispose();

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("ThrottlingException", json.GetProperty("__type").GetString());
        Assert.Single(await emulator.GetStatementsAsync());
    }

    [Fact]
    public async Task Start_Fails_WhenAQuotaNamesNoOperationOrIsNegative()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            StartAsync("emulator_quota_typo", new() { ["Emulator:Quotas:ExecuteStatment"] = "30", ["Emulator:Quotas:ListStatements"] = "-1" }));

        Assert.Contains("Emulator:Quotas:ExecuteStatment", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ExecuteStatement", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Emulator:Quotas:ListStatements: -1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OperationNames_AreTheOperationsServed()
    {
        await using var emulator = await StartAsync("emulator_operation_names", new());

        var served = emulator.Services.GetServices<IDataApiOperation>().Select(o => o.Name).Order(StringComparer.Ordinal);

        Assert.Equal(DataApiOperations.Names, served);
    }

    private static async Task<RunningEmulator> StartAsync(string name, Dictionary<string, string?> settings, TimeProvider? clock = null)
    {
        var server = await PostgresServer.GetAsync();
        return await RunningEmulator.StartAsync(await server.CreateDatabaseAsync(name), settings, clock);
    }
}
