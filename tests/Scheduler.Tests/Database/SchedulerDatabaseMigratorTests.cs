using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Scheduler.Database;
using Scheduler.Tests.Hosting;

namespace Scheduler.Tests.Database;

[Trait("Category", "Fast")]
public sealed class SchedulerDatabaseMigratorTests
{
    [Fact]
    public async Task StartAsync_RetriesAnUnreachableDatabase_OneTwoThreeSecondsApart_ThenGivesUpAfterTenAttempts()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        // Nothing listens on the port: every attempt fails at once with a transient NpgsqlException.
        await using var database = new SchedulerDatabase(Options.Create(new SchedulerDatabaseOptions
        {
            ConnectionString = $"Host=127.0.0.1;Port={port};Username=nobody;Database=none;Pooling=false",
        }));
        var clock = new TimerClock();
        var logger = new RecordingLogger<SchedulerDatabaseMigrator>();
        var migrator = new SchedulerDatabaseMigrator(database, clock, logger);

        var start = migrator.StartAsync(CancellationToken.None);
        var delays = new List<TimeSpan>();
        for (var retry = 1; retry < 10; retry++)
        {
            delays.Add(await clock.WaitForTimerAsync());
            clock.Advance(delays[^1]);
        }

        var failure = await Assert.ThrowsAsync<NpgsqlException>(() => start);
        Assert.True(failure.IsTransient);
        Assert.Equal(Enumerable.Range(1, 9).Select(s => TimeSpan.FromSeconds(s)), delays);
        Assert.Equal(Enumerable.Range(1, 9), logger.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => AttemptOf(e.Message)));
    }

    private static int AttemptOf(string message)
    {
        const string Marker = "(attempt ";
        var from = message.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length;
        return int.Parse(message[from..message.IndexOf(')', from)], System.Globalization.CultureInfo.InvariantCulture);
    }
}
