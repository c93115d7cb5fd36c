using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Scheduler.Testing;

namespace Scheduler.Tests.Packaging;

/// <summary>scripts/run-local started as a child process, with its output collected for the test to wait on.</summary>
internal sealed class RunLocalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly object _gate = new();
    private readonly string _stateDirectory;

    private RunLocalProcess(Process process, string stateDirectory)
    {
        _process = process;
        _stateDirectory = stateDirectory;
    }

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    public static RunLocalProcess Start(string stateDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryFiles.Root,
        };
        info.ArgumentList.Add(RepositoryFiles.PathOf("scripts/run-local"));
        info.Environment["RUN_LOCAL_DIR"] = stateDirectory;
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        var runLocal = new RunLocalProcess(process, stateDirectory);
        process.OutputDataReceived += (_, e) => runLocal.Append(e.Data);
        process.ErrorDataReceived += (_, e) => runLocal.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return runLocal;
    }

    /// <summary>Waits for a line matching <paramref name="pattern"/>; fails early, with the output, if the script exits.</summary>
    public Task<Match> WaitForLineAsync(Regex pattern, TimeSpan timeout) =>
        Eventually.ValueAsync(() =>
            {
                var match = pattern.Match(Output);
                // Not InvalidOperationException: Eventually would take that for "not yet" and wait out the timeout.
                return !match.Success && _process.HasExited
                    ? throw new Xunit.Sdk.XunitException($"run-local exited ({_process.ExitCode}) before printing {pattern}:\n{Output}")
                    : Task.FromResult(match);
            },
            match => match.Success, $"run-local prints {pattern}", timeout, TimeSpan.FromMilliseconds(200), _ => "\n" + Output);

    /// <summary>Sends SIGINT (what Ctrl+C sends) and waits for the script to exit; returns its exit code.</summary>
    public async Task<int> InterruptAsync(TimeSpan timeout)
    {
        await SignalAsync("INT", _process.Id);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"run-local did not exit within {timeout} of SIGINT:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>Processes still running with this stack's marker (run-local exports it to everything it starts).</summary>
    public IReadOnlyList<string> Survivors() => FindMarked(_stateDirectory);

    /// <summary>Whatever happened, leaves no process of this stack behind.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await SignalAsync("INT", _process.Id);
            if (!_process.WaitForExit(60_000))
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        foreach (var survivor in FindMarked(_stateDirectory))
        {
            await SignalAsync("KILL", int.Parse(survivor.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.AppendLine(line);
        }
    }

    private static List<string> FindMarked(string stateDirectory)
    {
        var marker = Encoding.UTF8.GetBytes($"SCHEDULER_LOCAL_STACK={stateDirectory}\0");
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var environ = File.ReadAllBytes(Path.Combine(dir, "environ"));
                if (environ.AsSpan().IndexOf(marker) >= 0)
                {
                    var command = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim();
                    found.Add($"{pid} {command}");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }

        return found;
    }

    private static async Task SignalAsync(string signal, int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
        })!;
        await kill.WaitForExitAsync();
    }
}
