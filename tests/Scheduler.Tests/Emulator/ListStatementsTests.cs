using Scheduler.Testing.Postgres;

namespace Scheduler.Tests.Emulator;

public sealed class ListStatementsTests : IAsyncLifetime
{
    private RunningEmulator _emulator = null!;

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.GetAsync();
        _emulator = await RunningEmulator.StartAsync(await server.CreateDatabaseAsync(nameof(ListStatementsTests)));
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task ListStatements_FiltersByNamePrefixAndStatus_AndPages()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await _emulator.OkAsync("BatchExecuteStatement", new { Sqls = new[] { "select 1" }, Database = "dev", WorkgroupName = "wg", StatementName = $"mart-a-{i}" }))
                .GetProperty("Id").GetString()!);
        }

        var other = (await _emulator.OkAsync("ExecuteStatement", new { Sql = "/* emulator: sleep=30 */ select 1", Database = "dev", WorkgroupName = "wg", StatementName = "mart-b" }))
            .GetProperty("Id").GetString()!;
        foreach (var id in ids)
        {
            await _emulator.WaitForEndAsync(id);
        }

        await _emulator.WaitForStatusAsync(other, "STARTED");

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await _emulator.OkAsync("ListStatements", token is null
                ? new { StatementName = "mart-a", Status = "ALL", MaxResults = 2 } as object
                : new { StatementName = "mart-a", Status = "ALL", MaxResults = 2, NextToken = token });
            seen.AddRange(page.GetProperty("Statements").EnumerateArray().Select(s => s.GetProperty("Id").GetString()!));
            token = page.TryGetProperty("NextToken", out var next) ? next.GetString() : null;
        }
        while (token is not null);

        var finishedOnly = await _emulator.OkAsync("ListStatements", new { StatementName = "mart-" });
        var started = await _emulator.OkAsync("ListStatements", new { Status = "STARTED" });

        Assert.Equal(ids.AsEnumerable().Reverse(), seen);
        Assert.Equal(5, finishedOnly.GetProperty("Statements").GetArrayLength());
        Assert.Contains(started.GetProperty("Statements").EnumerateArray(), s => s.GetProperty("Id").GetString() == other);
        await _emulator.OkAsync("CancelStatement", new { Id = other });
    }
}
