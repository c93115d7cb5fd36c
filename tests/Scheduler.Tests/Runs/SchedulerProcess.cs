using System.Collections.Concurrent;
using System.Diagnostics;
using Scheduler.Testing;

namespace Scheduler.Tests.Runs;

/// <summary>
/// The built Release scheduler (<c>src/Scheduler/bin/Release/net10.0/Scheduler.dll serve</c>) in a child process, so a
/// test can SIGKILL it. Its stdout is collected line by line (the test-only fault hook announces itself there).
/// </summary>
internal sealed class SchedulerProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private SchedulerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _lines.Enqueue(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _lines.Enqueue("stderr: " + e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static string DllPath { get; } = Path.Combine(RunHarness.RepositoryRoot, "src", "Scheduler", "bin", "Release", "net10.0", "Scheduler.dll");

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>serve</c> with the harness's settings plus <paramref name="extra"/>, and waits until it is up.</summary>
    public static async Task<SchedulerProcess> StartAsync(RunHarness harness, IReadOnlyDictionary<string, string?>? extra = null)
    {
        if (!File.Exists(DllPath))
        {
            throw new FileNotFoundException($"Build the solution in Release first (dotnet build Scheduler.sln -c Release): {DllPath} is missing.");
        }

        var settings = new Dictionary<string, string?>(harness.Settings);
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = harness.SqlRoot,
        };
        foreach (var argument in new[] { DllPath, "serve", "--urls", "http://127.0.0.1:0", "--contentRoot", harness.SqlRoot })
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in settings)
        {
            info.ArgumentList.Add($"--{key}={value}");
        }

        info.Environment["AWS_ACCESS_KEY_ID"] = "AKIDTEST";
        info.Environment["AWS_SECRET_ACCESS_KEY"] = "test-secret";
        info.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the scheduler process.");
        var scheduler = new SchedulerProcess(process);
        await scheduler.WaitForLineAsync(line => line.Contains("Application started", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        return scheduler;
    }

    /// <summary>Waits for a stdout line; fails with the output so far if the process exits or time runs out.</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout) =>
        Eventually.FoundAsync(() =>
        {
            var found = _lines.FirstOrDefault(match);
            // Not InvalidOperationException: Eventually would take that for "not yet" and wait out the timeout.
            return found is null && _process.HasExited
                ? throw new Xunit.Sdk.XunitException($"The scheduler process exited ({_process.ExitCode}):\n{Output}")
                : Task.FromResult(found);
        }, "the scheduler process prints the line", timeout, TimeSpan.FromMilliseconds(20));

    public string Output => string.Join('\n', _lines.TakeLast(80));

    /// <summary>SIGKILL: no shutdown, no requeue, exactly like a crash.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }
}
