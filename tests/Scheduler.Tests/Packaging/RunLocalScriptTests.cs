using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using Scheduler.Database;
using Scheduler.Testing;

namespace Scheduler.Tests.Packaging;

/// <summary>
/// scripts/run-local, the README's run command, end to end: it starts PostgreSQL, the emulator and the scheduler on
/// free ports in a temporary state folder, a run of the sample mart fills mart_customer_summary, SIGINT stops every
/// process it started, and a second start reuses the data.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Trait("Category", "Slow")] // process-level: runs scripts/run-local (builds, PostgreSQL, emulator, scheduler)
public sealed partial class RunLocalScriptTests : IDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(90);

    private readonly string _state;
    private readonly int _schedulerPort = FreePort();
    private readonly int _emulatorPort = FreePort();
    private readonly int _postgresPort = FreePort();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private HttpClient? _emulator;

    public RunLocalScriptTests()
    {
        _state = Directory.CreateTempSubdirectory("run-local-test-").FullName;
        // As root the cluster belongs to `postgres`, which must be able to enter the folder.
        File.SetUnixFileMode(_state, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    public void Dispose()
    {
        _http.Dispose();
        _emulator?.Dispose();
        try
        {
            Directory.Delete(_state, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task RunLocal_RefreshesTheSampleMartAndStopsEverything_ThenReusesTheDataOnASecondRun()
    {
        string runId;
        await using (var first = Start())
        {
            var dashboard = await first.WaitForLineAsync(DashboardLine(), s_startTimeout);
            Assert.Equal($"http://127.0.0.1:{_schedulerPort}/hangfire/marts", dashboard.Groups["url"].Value);
            Assert.Contains("Loading the sample warehouse (2000 orders", first.Output, StringComparison.Ordinal);

            Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(new Uri($"http://127.0.0.1:{_schedulerPort}/healthz"))).StatusCode);
            // The emulator's admin endpoints need the stack's signature; the cluster needs its password.
            Assert.Equal(HttpStatusCode.BadRequest, (await _http.GetAsync(new Uri($"http://127.0.0.1:{_emulatorPort}/_emulator/statements"))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await Emulator().GetAsync(new Uri($"http://127.0.0.1:{_emulatorPort}/_emulator/statements"))).StatusCode);
            var unauthenticated = await Assert.ThrowsAsync<PostgresException>(async () =>
            {
                await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={_postgresPort};Username=postgres;Password=wrong;Database=postgres;Pooling=false");
                await connection.OpenAsync();
            });
            Assert.Equal("28P01", unauthenticated.SqlState);
            Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(new Uri($"http://127.0.0.1:{_schedulerPort}/hangfire"))).StatusCode);

            runId = await TriggerSampleMartAsync();
            var run = await WaitForTerminalRunAsync(runId, TimeSpan.FromMinutes(2));
            Assert.True(run.Status == "Succeeded", $"run {runId}: {run}\n{first.Output}");
            Assert.True(await CountMartRowsAsync() > 0, "mart_customer_summary is empty after a successful run");

            // Exactly one batch reached the emulator, and its SQL ran once.
            using var statements = JsonDocument.Parse(await Emulator().GetStringAsync(new Uri($"http://127.0.0.1:{_emulatorPort}/_emulator/statements")));
            var statement = Assert.Single(statements.RootElement.EnumerateArray());
            Assert.Equal("FINISHED", statement.GetProperty("status").GetString());
            Assert.Equal(1, statement.GetProperty("executions").GetInt32());

            await StopAndAssertNothingSurvivesAsync(first);
        }

        await using (var second = Start())
        {
            await second.WaitForLineAsync(DashboardLine(), s_startTimeout);
            Assert.Contains("Warehouse already loaded", second.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("Loading the sample warehouse", second.Output, StringComparison.Ordinal);

            // The run ledger and the mart survived the restart.
            Assert.Equal("Succeeded", (await GetRunAsync(runId)).Status);
            Assert.True(await CountMartRowsAsync() > 0);

            await StopAndAssertNothingSurvivesAsync(second);
        }
    }

    private RunLocalProcess Start()
    {
        var environment = new Dictionary<string, string>
        {
            ["SCHEDULER_PORT"] = _schedulerPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["EMULATOR_PORT"] = _emulatorPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["POSTGRES_PORT"] = _postgresPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SEED_ORDERS"] = "2000",
            // Only the run this test starts: a cron run must not race it.
            ["SAMPLE_MART_CRON"] = "0 0 1 1 *",
        };

        // A Release test build built the services beside it (scripts/test builds the solution): reuse those dlls.
        if (AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
        {
            environment["RUN_LOCAL_BUILD"] = "0";
        }

        return RunLocalProcess.Start(_state, environment);
    }

    private async Task StopAndAssertNothingSurvivesAsync(RunLocalProcess runLocal)
    {
        var exitCode = await runLocal.InterruptAsync(s_stopTimeout);

        Assert.Equal(130, exitCode);
        Assert.Contains("Stopped.", runLocal.Output, StringComparison.Ordinal);
        var survivors = runLocal.Survivors();
        Assert.True(survivors.Count == 0, "still running after SIGINT:\n" + string.Join('\n', survivors) + "\n" + runLocal.Output);
        foreach (var port in new[] { _schedulerPort, _emulatorPort, _postgresPort })
        {
            Assert.False(IsListening(port), $"port {port} still accepts connections after SIGINT");
        }
    }

    /// <summary>
    /// Presses "Run now" through the API (POST /api/marts/customer_summary/runs, what the Marts page's button does);
    /// on a build without the API (its route answers a bare 404), presses "Trigger now" on the mart's recurring job in
    /// the Hangfire dashboard instead. Returns the id of the run reserved in the ledger.
    /// </summary>
    private async Task<string> TriggerSampleMartAsync()
    {
        using (var api = await _http.PostAsync(new Uri($"http://127.0.0.1:{_schedulerPort}/api/marts/customer_summary/runs"), content: null))
        {
            var body = await api.Content.ReadAsStringAsync();
            if (!(api.StatusCode == HttpStatusCode.NotFound && body.Length == 0))
            {
                Assert.True(api.StatusCode == HttpStatusCode.Accepted, $"POST /api/marts/customer_summary/runs: {(int)api.StatusCode} {body}");
                return JsonDocument.Parse(body).RootElement.GetProperty("runId").GetString()!;
            }
        }

        using var form = new FormUrlEncodedContent([new KeyValuePair<string, string>("jobs[]", "mart:customer_summary")]);
        using var response = await _http.PostAsync(new Uri($"http://127.0.0.1:{_schedulerPort}/hangfire/recurring/trigger"), form);
        Assert.True(response.IsSuccessStatusCode, $"POST /hangfire/recurring/trigger: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");

        var runs = await Eventually.ValueAsync(() => QueryRunsAsync("SELECT run_id::text, status, error FROM scheduler.runs WHERE mart = 'customer_summary'"),
            found => found.Count > 0, "triggering mart:customer_summary reserves a run", interval: TimeSpan.FromMilliseconds(200));
        Assert.True(runs.Count == 1, "expected one run: " + string.Join("; ", runs.Select(r => string.Join(' ', r))));
        return runs[0][0]!;
    }

    private Task<(string Status, string? Error)> WaitForTerminalRunAsync(string runId, TimeSpan timeout) =>
        Eventually.ValueAsync(() => GetRunAsync(runId), run => run.Status is not ("Submitting" or "Running" or "Cancelling"),
            $"run {runId} ends", timeout, TimeSpan.FromMilliseconds(250));

    private async Task<(string Status, string? Error)> GetRunAsync(string runId)
    {
        var row = Assert.Single(await QueryRunsAsync($"SELECT status, error FROM scheduler.runs WHERE run_id = '{Guid.Parse(runId)}'"));
        return (row[0]!, row[1]);
    }

    private async Task<List<string?[]>> QueryRunsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(SchedulerDatabase);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string?[]>();
        while (await reader.ReadAsync())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetString(i)).ToArray());
        }

        return rows;
    }

    private string SchedulerDatabase => $"Host=127.0.0.1;Port={_postgresPort};Username=postgres;Password={Password};Database=scheduler;Pooling=false";

    /// <summary>The cluster's superuser password, which run-local keeps in its state folder.</summary>
    private string Password => File.ReadAllText(Path.Combine(_state, "postgres.password")).Trim();

    /// <summary>A client signing with the key pair run-local gives the emulator (and the scheduler).</summary>
    private HttpClient Emulator() => _emulator ??= Scheduler.Testing.Aws.SigV4SigningHandler.CreateClient(
        new Uri($"http://127.0.0.1:{_emulatorPort}/"), "LOCALSTACKKEY", "local-secret-not-for-aws", TimeSpan.FromSeconds(30));

    private async Task<long> CountMartRowsAsync()
    {
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={_postgresPort};Username=postgres;Password={Password};Database=warehouse;Pooling=false");
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM public.mart_customer_summary", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"Dashboard: (?<url>http://\S+)")]
    private static partial Regex DashboardLine();
}
