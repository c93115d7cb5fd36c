using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Scheduler.Testing.Postgres;

/// <summary>
/// One real PostgreSQL server per test process. Uses <c>SCHEDULER_TEST_POSTGRES</c> (a connection string for a role
/// that may create databases) when set; otherwise starts a throwaway cluster with the server binaries on this machine,
/// as the <c>postgres</c> user when the tests run as root, and removes it when the process exits.
/// </summary>
public sealed class PostgresServer
{
    private static readonly Lazy<Task<PostgresServer>> s_instance = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int s_databaseCounter;

    private readonly string? _dataDirectory;

    private PostgresServer(string adminConnectionString, string? dataDirectory, string? binDirectory, string? runAsUser)
    {
        AdminConnectionString = adminConnectionString;
        _dataDirectory = dataDirectory;
        BinDirectory = binDirectory;
        RunAsUser = runAsUser;
    }

    /// <summary>A connection string to the <c>postgres</c> database with rights to create databases.</summary>
    public string AdminConnectionString { get; }

    /// <summary>Where the server binaries are (null when an external server is used).</summary>
    public string? BinDirectory { get; }

    /// <summary>The OS user the throwaway cluster runs as, or null when it runs as the current user.</summary>
    public string? RunAsUser { get; }

    /// <summary>The shared server, started on first use.</summary>
    public static Task<PostgresServer> GetAsync() => s_instance.Value;

    /// <summary>Creates a fresh, empty database and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var safePrefix = new string(prefix.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c == '_').ToArray());
        if (safePrefix.Length > 30)
        {
            safePrefix = safePrefix[..30];
        }

        var name = $"t_{safePrefix}_{Environment.ProcessId}_{Interlocked.Increment(ref s_databaseCounter)}";
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    private static async Task<PostgresServer> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable("SCHEDULER_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new PostgresServer(external, dataDirectory: null, binDirectory: null, runAsUser: null);
        }

        var bin = FindBinDirectory()
            ?? throw new InvalidOperationException(
                "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql/*/bin. " +
                "Install the server (apt-get install postgresql) or set SCHEDULER_TEST_POSTGRES to a connection string.");

        var runAs = Environment.UserName == "root" ? "postgres" : null;
        var root = Path.Combine(Path.GetTempPath(), $"scheduler-pg-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(root);
        var data = Path.Combine(root, "data");
        if (runAs is not null)
        {
            await RunAsync("chown", ["-R", runAs, root], runAsUser: null);
        }

        await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-sync", "--locale=C"], runAs);
        var port = FreePort();
        var options = string.Join(' ',
            $"-p {port}",
            "-c listen_addresses=127.0.0.1",
            $"-c unix_socket_directories={root}",
            "-c max_connections=400",
            "-c fsync=off",
            "-c synchronous_commit=off",
            "-c full_page_writes=off",
            "-c shared_buffers=128MB");
        await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-o", options, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "start"], runAs);

        var server = new PostgresServer(
            $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50",
            data,
            bin,
            runAs);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop(root);
        return server;
    }

    private void Stop(string root)
    {
        try
        {
            NpgsqlConnection.ClearAllPools();
            using var process = Process.Start(StartInfo(Path.Combine(BinDirectory!, "pg_ctl"), ["-D", _dataDirectory!, "-m", "immediate", "-w", "stop"], RunAsUser));
            process?.WaitForExit(30_000);
            Directory.Delete(root, recursive: true);
        }
#pragma warning disable CA1031 // best effort at process exit: nothing can report the failure
        catch (Exception)
        {
        }
#pragma warning restore CA1031
    }

    private static string? FindBinDirectory()
    {
        var fromPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")));
        if (fromPath is not null)
        {
            return fromPath;
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (!Directory.Exists(debianRoot))
        {
            return null;
        }

        return Directory.GetDirectories(debianRoot)
            .Select(dir => Path.Combine(dir, "bin"))
            .Where(dir => File.Exists(Path.Combine(dir, "initdb")))
            .OrderByDescending(dir => int.TryParse(Path.GetFileName(Path.GetDirectoryName(dir)), out var v) ? v : 0)
            .FirstOrDefault();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static ProcessStartInfo StartInfo(string file, IReadOnlyList<string> arguments, string? runAsUser)
    {
        var info = runAsUser is null ? new ProcessStartInfo(file) : new ProcessStartInfo("runuser");
        if (runAsUser is not null)
        {
            info.ArgumentList.Add("-u");
            info.ArgumentList.Add(runAsUser);
            info.ArgumentList.Add("--");
            info.ArgumentList.Add(file);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        // pg_ctl's children must not keep the test runner's output pipes open.
        info.WorkingDirectory = Path.GetTempPath();
        return info;
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, string? runAsUser)
    {
        using var process = Process.Start(StartInfo(file, arguments, runAsUser))
            ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
    }
}
