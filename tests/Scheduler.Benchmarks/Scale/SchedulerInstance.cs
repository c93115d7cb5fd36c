using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Scheduler.Benchmarks.Scale;

/// <summary>
/// One scheduler instance as a child process (this program in "instance" mode): the real scheduler host with a small
/// control surface for the benchmark. Measured from /proc; stopped with SIGKILL when the scenario says so.
/// </summary>
internal sealed class SchedulerInstance : IAsyncDisposable
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };

    private readonly Process _process;
    private readonly HttpClient _http;
    private ProcessMetrics _last;

    private SchedulerInstance(string name, Process process, string url)
    {
        Name = name;
        _process = process;
        Url = url;
        _http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
    }

    public string Name { get; }

    public string Url { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts an instance with <paramref name="settings"/> (configuration keys) and waits until it serves.</summary>
    public static async Task<SchedulerInstance> StartAsync(string name, string directory, IReadOnlyDictionary<string, object> settings, CancellationToken cancellationToken)
    {
        var url = $"http://127.0.0.1:{EmulatorHost.FreePort()}";
        var configFile = Path.Combine(directory, $"{name}.settings.json");
        var all = new Dictionary<string, object>(settings) { ["Urls"] = url };
        await File.WriteAllTextAsync(configFile, JsonSerializer.Serialize(Nest(all), s_json), cancellationToken);

        var info = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            info.ArgumentList.Add(typeof(SchedulerInstance).Assembly.Location);
        }

        info.ArgumentList.Add("instance");
        info.ArgumentList.Add(configFile);
        info.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        info.Environment["AWS_ACCESS_KEY_ID"] = "AKIDBENCHMARK";
        info.Environment["AWS_SECRET_ACCESS_KEY"] = "benchmark-secret";
        info.Environment["DOTNET_gcServer"] = "0";

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start a scheduler instance.");
        var log = new StreamWriter(Path.Combine(directory, $"{name}.log"), append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var instance = new SchedulerInstance(name, process, url);
        var deadline = TimeProvider.System.GetUtcNow() + TimeSpan.FromMinutes(2);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Scheduler instance {name} exited with {process.ExitCode} during start; see {directory}/{name}.log.");
            }

            try
            {
                using var response = await instance._http.GetAsync(new Uri("/_bench/stats", UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return instance;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                throw new TimeoutException($"Scheduler instance {name} did not start within 2 minutes; see {directory}/{name}.log.");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Starts a run of each mart now (the runs' own trigger path, as "Run now" does).</summary>
    public async Task TriggerAsync(IReadOnlyList<string> marts, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync(new Uri("/_bench/trigger", UriKind.Relative), marts, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async Task<InstanceStatistics> GetStatisticsAsync(CancellationToken cancellationToken) =>
        await _http.GetFromJsonAsync<InstanceStatistics>(new Uri("/_bench/stats", UriKind.Relative), cancellationToken)
        ?? throw new InvalidOperationException("Empty statistics.");

    /// <summary>CPU seconds and peak memory so far (the last reading survives the process).</summary>
    public ProcessMetrics Metrics()
    {
        if (!_process.HasExited && ProcessMetrics.Read(_process.Id) is { } now)
        {
            _last = now;
        }

        return _last;
    }

    /// <summary>kill -9.</summary>
    public void Kill()
    {
        Metrics();
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit(10_000);
    }

    public async ValueTask DisposeAsync()
    {
        Metrics();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _http.Dispose();
    }

    // "A:B:C" keys → nested JSON objects, as ASP.NET Core configuration reads them.
    private static Dictionary<string, object> Nest(IReadOnlyDictionary<string, object> flat)
    {
        var root = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in flat)
        {
            var parts = key.Split(':');
            var node = root;
            foreach (var part in parts[..^1])
            {
                if (!node.TryGetValue(part, out var child))
                {
                    child = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
                    node[part] = child;
                }

                node = (Dictionary<string, object>)child;
            }

            node[parts[^1]] = value;
        }

        return root;
    }
}

/// <summary>What an instance reports at /_bench/stats.</summary>
internal sealed record InstanceStatistics(
    int Watched, int Polling, int AwaitingFirstPoll, long WatcherCalls, long WatcherRecorded, long WatcherErrors,
    long BudgetGranted, long BudgetClaims);
