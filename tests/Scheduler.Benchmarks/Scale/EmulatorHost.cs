using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Scheduler.Benchmarks.Scale;

/// <summary>The Redshift Data API emulator, in this process, on its own warehouse database, with a call log.</summary>
internal sealed class EmulatorHost : IAsyncDisposable
{
    public const string AccessKeyId = "AKIDBENCHMARK";

    public const string SecretAccessKey = "benchmark-secret";

    private readonly WebApplication _app;

    private EmulatorHost(WebApplication app, string url, EmulatorCallLog calls)
    {
        _app = app;
        Url = url;
        Calls = calls;
    }

    public string Url { get; }

    public EmulatorCallLog Calls { get; }

    public static async Task<EmulatorHost> StartAsync(string warehouseConnectionString, IReadOnlyList<string>? extraArguments = null)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var app = RedshiftDataEmulator.EmulatorApplication.Build(
        [
            "--urls", url,
            $"--ConnectionStrings:Warehouse={warehouseConnectionString}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.AspNetCore=Warning",
            // The key pair the scheduler instances sign with: the emulator checks signatures.
            $"--Emulator:AccessKeyId={AccessKeyId}",
            $"--Emulator:SecretAccessKey={SecretAccessKey}",
            // Today's scenarios start thousands of runs on one workgroup and the scheduler has no per-target cap yet;
            // a scenario that exercises Redshift's cap turns it on.
            "--Emulator:MaxActiveStatements=0",
            .. extraArguments ?? [],
        ]);
        var calls = new EmulatorCallLog();
        calls.Attach(app);
        await app.StartAsync();
        return new EmulatorHost(app, url, calls);
    }

    /// <summary>The emulator's own submission log (GET /_emulator/statements).</summary>
    public async Task<IReadOnlyList<EmulatedStatement>> GetStatementsAsync(CancellationToken cancellationToken)
    {
        using var http = Scheduler.Testing.Aws.SigV4SigningHandler.CreateClient(new Uri(Url), AccessKeyId, SecretAccessKey, TimeSpan.FromMinutes(2));
        await using var stream = await http.GetStreamAsync(new Uri("/_emulator/statements", UriKind.Relative), cancellationToken);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        var root = document.RootElement;
        var items = root.ValueKind == JsonValueKind.Array ? root : root.GetProperty("statements");
        var list = new List<EmulatedStatement>();
        foreach (var item in items.EnumerateArray())
        {
            list.Add(new EmulatedStatement(
                item.GetProperty("id").GetString()!,
                item.TryGetProperty("clientToken", out var token) && token.ValueKind == JsonValueKind.String ? token.GetString() : null,
                item.TryGetProperty("statementName", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null,
                item.TryGetProperty("status", out var status) ? status.GetString() : null,
                item.TryGetProperty("executions", out var executions) && executions.ValueKind == JsonValueKind.Number ? executions.GetInt32() : 0));
        }

        return list;
    }

    /// <summary>The emulator's limits report (GET /_emulator/limits): peak active per target, refusals, throttled calls.</summary>
    public async Task<JsonDocument> GetLimitsAsync(CancellationToken cancellationToken)
    {
        using var http = Scheduler.Testing.Aws.SigV4SigningHandler.CreateClient(new Uri(Url), AccessKeyId, SecretAccessKey, TimeSpan.FromMinutes(2));
        await using var stream = await http.GetStreamAsync(new Uri("/_emulator/limits", UriKind.Relative), cancellationToken);
        return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One entry of the emulator's submission log.</summary>
internal sealed record EmulatedStatement(string Id, string? ClientToken, string? StatementName, string? Status, int Executions);
