using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using RedshiftDataEmulator.Limits;

namespace RedshiftDataEmulator.Statements;

/// <summary>
/// Runs accepted statements in the background, one task each (no thread while waiting), and lets callers wait for
/// a statement's end without polling the database.
/// </summary>
internal sealed class StatementRunner(
    StatementStore store, WarehouseDataSource warehouse, ActiveStatementLimiter limiter, TimeProvider timeProvider, ILogger<StatementRunner> logger)
    : IAsyncDisposable
{
    /// <summary>The application_name prefix of the connections that run statements, so a restart can find leftovers.</summary>
    public const string ApplicationNamePrefix = "redshift-emulator-run:";

    private readonly ConcurrentDictionary<Guid, Execution> _active = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    public int ActiveCount => _active.Count;

    /// <summary>Starts running a statement that was just stored as SUBMITTED.</summary>
    public void Start(StatementRecord statement)
    {
        var execution = new Execution(CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token));
        if (!_active.TryAdd(statement.Id, execution))
        {
            execution.Cancel.Dispose();
            return;
        }

        execution.Task = Task.Run(() => RunAsync(statement, execution));
    }

    /// <summary>Waits until the statement ends or the timeout passes; returns at once when it is not running here.</summary>
    public async Task WaitForEndAsync(Guid id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!_active.TryGetValue(id, out var execution))
        {
            return;
        }

        try
        {
            await execution.Completed.Task.WaitAsync(timeout, timeProvider, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The long poll's wait is over; the caller answers with the current status.
        }
    }

    /// <summary>Stops the statement's SQL (PostgreSQL cancel request) and waits for it to be recorded as ABORTED.</summary>
    /// <returns>False when the statement is not running in this process.</returns>
    public async Task<bool> CancelAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!_active.TryGetValue(id, out var execution))
        {
            return false;
        }

        execution.CancelRequested = true;
        try
        {
            await execution.Cancel.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // It ended just now; the caller reads which way.
        }

        await execution.Completed.Task.WaitAsync(TimeSpan.FromSeconds(30), timeProvider, cancellationToken);
        return true;
    }

    /// <summary>
    /// Start-up recovery: statements left SUBMITTED/PICKED/STARTED by an emulator that is gone end as FAILED with an
    /// explanation, and any PostgreSQL backend still running their SQL is terminated.
    /// </summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        await using (var terminate = warehouse.DataSource.CreateCommand("""
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
            WHERE datname = current_database() AND starts_with(application_name, @prefix) AND pid <> pg_backend_pid()
            """))
        {
            terminate.Parameters.AddWithValue("prefix", ApplicationNamePrefix);
            var killed = (long)(await terminate.ExecuteScalarAsync(cancellationToken) ?? 0L);
            if (killed > 0)
            {
                logger.TerminatedLeftoverBackends(killed);
            }
        }

        foreach (var statement in await store.ListActiveAsync(cancellationToken))
        {
            var what = statement.ExecutionMode == "AUTO_COMMIT"
                ? "sub-statements that had FINISHED stay committed; the one running was rolled back unless PostgreSQL completed it before the restart"
                : "its connection closed, so PostgreSQL rolled back its transaction and none of its changes were committed";
            var error = $"The Redshift Data API emulator stopped while this statement was {statement.Status}; {what}. Resubmit it if it should run.";
            await store.EndAsync(statement.Id, StatementStatus.Failed, error, StatementStatus.Failed, error,
                timeProvider.GetUtcNow(), cancellationToken);
            logger.RecoveredStatement(statement.Id, statement.Status);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Called by the lifecycle's StopAsync and again by the container.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        var tasks = _active.Values.Select(e => e.Task).Where(t => t is not null).Cast<Task>().ToArray();
        try
        {
            await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            logger.StopWaitEnded(tasks.Length);
        }

        _stopping.Dispose();
    }

    private async Task RunAsync(StatementRecord statement, Execution execution)
    {
        var token = execution.Cancel.Token;
        try
        {
            await store.SetStatusAsync(statement.Id, StatementStatus.Picked, timeProvider.GetUtcNow(), CancellationToken.None);
            if (SimulationDirective.Parse(statement.Sqls[0]) is not null)
            {
                await SimulateAsync(statement, execution, token);
            }
            else
            {
                await ExecuteAsync(statement, execution, token);
            }
        }
        catch (OperationCanceledException) when (execution.CancelRequested)
        {
            // Cancelled before its SQL started (while connecting or setting up the session).
            await EndQuietlyAsync(statement.Id, StatementStatus.Aborted, "Query cancelled on user's request");
        }
        catch (Exception) when (_stopping.IsCancellationRequested && !execution.CancelRequested)
        {
            // Shutting down: the next start-up's recovery records what happened to it.
        }
#pragma warning disable CA1031 // a runner must always record an end, whatever went wrong
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger.RunnerFailed(statement.Id, ex);
            await EndQuietlyAsync(statement.Id, StatementStatus.Failed, $"Emulator internal error: {ex.Message}");
        }
        finally
        {
            _active.TryRemove(statement.Id, out _);
            limiter.Release(StatementTarget.Of(statement));
            execution.Completed.TrySetResult();
            execution.Cancel.Dispose();
        }
    }

    private async Task SimulateAsync(StatementRecord statement, Execution execution, CancellationToken token)
    {
        await store.MarkStartedAsync(statement.Id, 0, timeProvider.GetUtcNow(), CancellationToken.None);
        foreach (var sub in statement.SubStatements)
        {
            await store.MarkSubStartedAsync(statement.Id, sub.Index, timeProvider.GetUtcNow(), CancellationToken.None);
            var directive = SimulationDirective.Parse(sub.QueryString);
            try
            {
                if (directive is not null && directive.Sleep > TimeSpan.Zero)
                {
                    await Task.Delay(directive.Sleep, timeProvider, token);
                }
            }
            catch (OperationCanceledException) when (execution.CancelRequested)
            {
                await AbortAsync(statement.Id, sub.Index);
                return;
            }

            if (directive?.Failure is { } failure)
            {
                await store.MarkSubEndedAsync(statement.Id, sub.Index, StatementStatus.Failed, failure, timeProvider.GetUtcNow(), -1, false, null, CancellationToken.None);
                await store.EndAsync(statement.Id, StatementStatus.Failed, failure, StatementStatus.Aborted, null, timeProvider.GetUtcNow(), CancellationToken.None);
                return;
            }

            await store.MarkSubEndedAsync(statement.Id, sub.Index, StatementStatus.Finished, null, timeProvider.GetUtcNow(), 0, false, null, CancellationToken.None);
        }

        await store.EndAsync(statement.Id, StatementStatus.Finished, null, StatementStatus.Finished, null, timeProvider.GetUtcNow(), CancellationToken.None);
    }

    private async Task ExecuteAsync(StatementRecord statement, Execution execution, CancellationToken token)
    {
        await using var connection = await warehouse.DataSource.OpenConnectionAsync(token);
        await using (var setup = new NpgsqlCommand(
            // Redshift sessions are UTC; results are read as text (ResultReader), so fix the forms they are parsed from.
            $"SET standard_conforming_strings = off; SET TimeZone = 'UTC'; SET bytea_output = hex; SET application_name = '{ApplicationNamePrefix}{statement.Id}'",
            connection))
        {
            await setup.ExecuteNonQueryAsync(token);
        }

        await store.MarkStartedAsync(statement.Id, connection.ProcessID, timeProvider.GetUtcNow(), CancellationToken.None);
        var parameters = ParseParameters(statement.ParametersJson);
        await using var transaction = statement.ExecutionMode == "TRANSACTION" ? await connection.BeginTransactionAsync(token) : null;
        foreach (var sub in statement.SubStatements)
        {
            await store.MarkSubStartedAsync(statement.Id, sub.Index, timeProvider.GetUtcNow(), CancellationToken.None);
            try
            {
                var (sql, names) = parameters.Count == 0
                    ? (sub.QueryString, (IReadOnlyList<string>)[])
                    : ParameterBinder.Rewrite(sub.QueryString, parameters.Keys.ToHashSet());
                await using var command = new NpgsqlCommand(sql, connection, transaction);
                ResultReader.Prepare(command);
                foreach (var name in names)
                {
                    command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Unknown, Value = parameters[name] });
                }

                StatementResult? result = null;
                long rows = 0;
                await using (var reader = await command.ExecuteReaderAsync(token))
                {
                    do
                    {
                        if (reader.FieldCount > 0)
                        {
                            result = await ResultReader.ReadAsync(reader, token);
                            rows = result.RecordsJson.Count;
                        }
                    }
                    while (await reader.NextResultAsync(token));

                    if (result is null)
                    {
                        rows = Math.Max(reader.RecordsAffected, 0);
                    }
                }

                await store.MarkSubEndedAsync(statement.Id, sub.Index, StatementStatus.Finished, null, timeProvider.GetUtcNow(),
                    rows, result is not null, result, CancellationToken.None);
            }
            catch (Exception ex) when (execution.CancelRequested && IsCancellation(ex))
            {
                await AbortAsync(statement.Id, sub.Index);
                return;
            }
            catch (PostgresException ex) when (!_stopping.IsCancellationRequested)
            {
                var error = $"ERROR: {ex.MessageText}";
                await store.MarkSubEndedAsync(statement.Id, sub.Index, StatementStatus.Failed, error, timeProvider.GetUtcNow(), -1, false, null, CancellationToken.None);
                if (transaction is not null)
                {
                    await transaction.RollbackAsync(CancellationToken.None);
                }

                await store.EndAsync(statement.Id, StatementStatus.Failed, error, StatementStatus.Aborted, null, timeProvider.GetUtcNow(), CancellationToken.None);
                return;
            }
        }

        if (transaction is not null)
        {
            try
            {
                await transaction.CommitAsync(token);
            }
            catch (Exception ex) when (execution.CancelRequested && IsCancellation(ex))
            {
                await AbortAsync(statement.Id, statement.SubStatements.Count);
                return;
            }
            catch (PostgresException ex) when (!_stopping.IsCancellationRequested)
            {
                await store.EndAsync(statement.Id, StatementStatus.Failed, $"ERROR: {ex.MessageText}", StatementStatus.Aborted, null,
                    timeProvider.GetUtcNow(), CancellationToken.None);
                return;
            }
        }

        await store.EndAsync(statement.Id, StatementStatus.Finished, null, StatementStatus.Finished, null, timeProvider.GetUtcNow(), CancellationToken.None);
    }

    private async Task AbortAsync(Guid id, int runningIndex)
    {
        const string Message = "Query cancelled on user's request";
        var now = timeProvider.GetUtcNow();
        await store.MarkSubEndedAsync(id, runningIndex, StatementStatus.Aborted, Message, now, -1, false, null, CancellationToken.None);
        await store.EndAsync(id, StatementStatus.Aborted, Message, StatementStatus.Aborted, null, now, CancellationToken.None);
    }

    private async Task EndQuietlyAsync(Guid id, string status, string error)
    {
        try
        {
            await store.EndAsync(id, status, error, status, error, timeProvider.GetUtcNow(), CancellationToken.None);
        }
#pragma warning disable CA1031 // the state database itself may be gone; start-up recovery covers it
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger.RunnerFailed(id, ex);
        }
    }

    private static bool IsCancellation(Exception ex) =>
        ex is OperationCanceledException || (ex is PostgresException { SqlState: "57014" });

    private static Dictionary<string, string> ParseParameters(string? json)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (json is null)
        {
            return parameters;
        }

        using var document = JsonDocument.Parse(json);
        foreach (var p in document.RootElement.EnumerateArray())
        {
            parameters[p.GetProperty("name").GetString()!] = p.GetProperty("value").GetString()!;
        }

        return parameters;
    }

    private sealed class Execution(CancellationTokenSource cancel)
    {
        public CancellationTokenSource Cancel { get; } = cancel;

        public TaskCompletionSource Completed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public volatile bool CancelRequested;

        public Task? Task { get; set; }
    }
}
