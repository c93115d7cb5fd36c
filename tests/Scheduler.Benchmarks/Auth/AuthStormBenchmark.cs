using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Scheduler.Benchmarks.Scale;
using Scheduler.Security;
using Scheduler.Testing.Postgres;

namespace Scheduler.Benchmarks.Auth;

/// <summary>
/// The bad-credential storm of issue 11: a scheduler instance (child process, users configured, the default 600,000
/// PBKDF2 iterations) under 16 connections sending wrong passwords, while a prober measures <c>/healthz</c> and a
/// legitimate Admin's API call. Three phases in one run: quiet (the baseline), a storm from one address against one
/// user, and a spread storm where every attempt claims another client address and user name (through
/// X-Forwarded-For from a known proxy), which no per-address or per-user limit stops: only the hashing slots do.
/// </summary>
internal static class AuthStormBenchmark
{
    private const int Connections = 16;
    private const double HealthTargetMs = 100;
    private const double AdminTargetMs = 200;
    private const string AdminPassword = "correct horse battery staple";

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = 12;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--seconds" && i + 1 < args.Length && int.TryParse(args[++i], CultureInfo.InvariantCulture, out var s) && s > 0)
            {
                seconds = s;
            }
            else
            {
                await Console.Error.WriteLineAsync($"auth-storm: unknown argument '{args[i]}' (expected --seconds N).");
                return 2;
            }
        }

        var root = RepositoryRoot();
        var work = Path.Combine(root, "artifacts", "benchmarks", $"auth-{TimeProvider.System.GetUtcNow():yyyyMMdd-HHmmss}");
        var sql = Directory.CreateDirectory(Path.Combine(work, "sql")).FullName;
        await File.WriteAllTextAsync(Path.Combine(sql, "sample.sql"), "select 1;");
        var postgres = await PostgresServer.GetAsync();
        var database = await postgres.CreateDatabaseAsync("auth_storm");
        Console.Error.WriteLine($"[auth-storm] work directory {work}; hashing {PasswordHash.DefaultIterations} iterations");

        await using var instance = await SchedulerInstance.StartAsync("auth", work, new Dictionary<string, object>
        {
            ["ConnectionStrings:Scheduler"] = database,
            ["Redshift:ServiceUrl"] = "http://127.0.0.1:9",
            ["Redshift:WorkgroupName"] = "wg",
            ["Redshift:Database"] = "dev",
            ["Sql:Root"] = sql,
            ["Marts:sample:SqlFile"] = "sample.sql",
            ["Watching:Enabled"] = "false",
            ["Security:Users:alice:Role"] = "Admin",
            ["Security:Users:alice:PasswordHash"] = PasswordHash.Create(AdminPassword).ToString(),
            ["Security:KnownProxies:0"] = "127.0.0.1",
            ["Logging:LogLevel:Default"] = "Warning",
        }, CancellationToken.None);

        using var admin = Client(instance.Url, "alice", AdminPassword);
        (await admin.GetAsync(new Uri("/api/marts", UriKind.Relative))).EnsureSuccessStatusCode();

        var duration = TimeSpan.FromSeconds(seconds);
        var phases = new List<PhaseResult>
        {
            await RunPhaseAsync("quiet (baseline)", instance, admin, duration, storm: null),
            await RunPhaseAsync("storm: one address, user 'alice'", instance, admin, duration, StormKind.OneAddress),
            await RunPhaseAsync("storm: new address and user name per attempt", instance, admin, duration, StormKind.Spread),
        };

        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"{Connections}-connection bad-credential storm, {seconds} s per phase, {Environment.ProcessorCount} cores, hashing slots {CredentialVerifier.MaxConcurrentHashes}");
        table.AppendLine();
        table.AppendLine("| phase | bad attempts | 401 | 429 | attempts/s | /healthz p50 / p95 / max ms | Admin GET /api/marts p50 / p95 / max ms | CPU s | targets (healthz p95 ≤ 100 ms, Admin p95 ≤ 200 ms) |");
        table.AppendLine("| --- | ---: | ---: | ---: | ---: | --- | --- | ---: | --- |");
        var allHold = true;
        foreach (var phase in phases)
        {
            var holds = phase.Health.P95 * 1000 <= HealthTargetMs && phase.Admin.P95 * 1000 <= AdminTargetMs && phase.AdminFailures == 0;
            allHold &= holds;
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {phase.Name} | {phase.Attempts} | {phase.Unauthorized} | {phase.Throttled} | {phase.Attempts / duration.TotalSeconds:0.0} | {Ms(phase.Health)} | {Ms(phase.Admin)}{(phase.AdminFailures > 0 ? $" ({phase.AdminFailures} not 200)" : "")} | {phase.CpuSeconds:0.0} | {(holds ? "hold" : "**missed**")} |");
        }

        Console.WriteLine(table.ToString());
        var output = Path.Combine(root, "artifacts", "benchmarks", "auth-storm.md");
        await File.WriteAllTextAsync(output, table.ToString());
        Console.Error.WriteLine($"[auth-storm] written to {output}");
        return allHold ? 0 : 1;
    }

    private static async Task<PhaseResult> RunPhaseAsync(string name, SchedulerInstance instance, HttpClient admin, TimeSpan duration, StormKind? storm)
    {
        Console.Error.WriteLine($"[auth-storm] phase: {name}");
        using var stop = new CancellationTokenSource(duration);
        var cpuBefore = instance.Metrics().CpuSeconds;
        var attempts = 0;
        var unauthorized = 0;
        var throttled = 0;
        var attackers = storm is { } kind
            ? Enumerable.Range(0, Connections).Select(n => Task.Run(async () =>
            {
                using var client = Client(instance.Url, null, null);
                var sequence = 0;
                while (!stop.IsCancellationRequested)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, "/api/marts");
                    var user = kind == StormKind.OneAddress ? "alice" : $"guess-{n}-{sequence}";
                    request.Headers.Authorization = Basic(user, $"wrong-{sequence}");
                    if (kind == StormKind.Spread)
                    {
                        request.Headers.Add("X-Forwarded-For", $"10.{n}.{sequence / 250 % 250}.{sequence % 250 + 1}");
                    }

                    sequence++;
                    try
                    {
                        using var response = await client.SendAsync(request, stop.Token);
                        Interlocked.Increment(ref attempts);
                        if (response.StatusCode == HttpStatusCode.Unauthorized)
                        {
                            Interlocked.Increment(ref unauthorized);
                        }
                        else if (response.StatusCode == HttpStatusCode.TooManyRequests)
                        {
                            Interlocked.Increment(ref throttled);
                        }
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            })).ToList()
            : [];

        using var prober = Client(instance.Url, null, null);
        var health = new List<double>();
        var adminTimes = new List<double>();
        var adminFailures = 0;
        while (!stop.IsCancellationRequested)
        {
            health.Add(await TimeAsync(prober, "/healthz", null));
            adminTimes.Add(await TimeAsync(admin, "/api/marts", () => adminFailures++));
            await Task.Delay(100);
        }

        await Task.WhenAll(attackers);
        return new PhaseResult(name, attempts, unauthorized, throttled, new Percentiles(health), new Percentiles(adminTimes), adminFailures,
            instance.Metrics().CpuSeconds - cpuBefore);
    }

    private static async Task<double> TimeAsync(HttpClient client, string path, Action? onFailure)
    {
        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        await response.Content.ReadAsByteArrayAsync();
        var elapsed = clock.Elapsed.TotalSeconds;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            onFailure?.Invoke();
        }

        return elapsed;
    }

    private static HttpClient Client(string url, string? user, string? password)
    {
        // One connection per client, so the storm is 16 connections and the probes have their own.
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(1) };
        if (user is not null)
        {
            client.DefaultRequestHeaders.Authorization = Basic(user, password!);
        }

        return client;
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static string Ms(Percentiles p) =>
        FormattableString.Invariant($"{p.P50 * 1000:0} / {p.P95 * 1000:0} / {p.Max * 1000:0}");

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Scheduler.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? Directory.GetCurrentDirectory();
    }

    private enum StormKind
    {
        OneAddress,
        Spread,
    }

    private sealed record PhaseResult(string Name, int Attempts, int Unauthorized, int Throttled, Percentiles Health, Percentiles Admin,
        int AdminFailures, double CpuSeconds);
}
