using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Scheduler.Database;
using Scheduler.Redshift;

namespace Scheduler.Runs.Watching;

/// <summary>
/// <see cref="IDescribeCallBudget"/> (and, for DescribeStatement, the client pipeline's <see cref="IRedshiftCallBudget"/>) as a PostgreSQL table of per-second token buckets (one row per wall-clock second).
/// An instance claims a batch of its second's tokens in one upsert and hands them to its waiting callers; tokens left at
/// the end of their second are dropped, never carried over, so the calls made in any second by all instances together
/// never exceed <see cref="WatchingOptions.DescribeCallsPerSecond"/> (given clocks kept in sync, e.g. by NTP).
/// </summary>
/// <remarks>
/// Fails closed: while PostgreSQL cannot be reached no token is granted, so no DescribeStatement is made. The Hangfire
/// jobs need the same database, so nothing else would progress either.
/// </remarks>
public sealed partial class PostgresDescribeCallBudget : IDescribeCallBudget, IRedshiftCallBudget, IDisposable
{
    // A call started in the last moments of a second may reach AWS in the next one (more so on a loaded machine), where
    // it would count against that second's budget; tokens are not spent in those moments. When the budget binds, the
    // tokens are gone at the start of each second anyway, so this costs only a short wait when it does not.
    private const int SecondTailMilliseconds = 150;

    private const string Operation = "DescribeStatement";
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _table;
    private readonly TimeProvider _time;
    private readonly ILogger<PostgresDescribeCallBudget> _logger;
    private readonly int _limit;
    private readonly int _batch;
    private readonly Lock _gate = new();
    private readonly Queue<TaskCompletionSource<long>> _waiters = new();
    private readonly CancellationTokenSource _disposed = new();
    private bool _pumping;
    private long _second = -1;
    private int _tokens;
    private long _lastCleanupSecond;
    private int _disposedFlag;

    public PostgresDescribeCallBudget(
        SchedulerDatabase database,
        IOptions<WatchingOptions> options,
        TimeProvider time,
        ILogger<PostgresDescribeCallBudget> logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = database.DataSource;
        _table = $"{database.Schema}.call_budget";
        _time = time;
        _logger = logger;
        _limit = options.Value.DescribeCallsPerSecond;
        _batch = Math.Min(options.Value.BudgetClaimBatch, _limit);
    }

    /// <summary>Calls granted by this instance so far (for the benchmark and diagnostics).</summary>
    public long Granted => Interlocked.Read(ref _granted);

    /// <summary>Round trips to PostgreSQL made to claim tokens.</summary>
    public long Claims => Interlocked.Read(ref _claims);

    private long _granted;
    private long _claims;

    /// <inheritdoc />
    public ValueTask AcquireAsync(string operation, CancellationToken cancellationToken) =>
        operation == Operation ? AcquireAsync(cancellationToken) : ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask AcquireAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_waiters.Count == 0 && _tokens > 0 && _second == CurrentSecond(out var into) && into < 1000 - SecondTailMilliseconds)
            {
                _tokens--;
                Interlocked.Increment(ref _granted);
                return ValueTask.CompletedTask;
            }
        }

        return WaitForTokenAsync(cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The container may dispose it once per registration (the class and the interface).
        if (Interlocked.Exchange(ref _disposedFlag, 1) == 1)
        {
            return;
        }

        _disposed.Cancel();
        lock (_gate)
        {
            while (_waiters.TryDequeue(out var waiter))
            {
                waiter.TrySetException(new ObjectDisposedException(nameof(PostgresDescribeCallBudget)));
            }
        }

        _disposed.Dispose();
    }

    private async ValueTask WaitForTokenAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var waiter = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                _waiters.Enqueue(waiter);
                if (!_pumping)
                {
                    _pumping = true;
                    _ = Task.Run(PumpAsync, CancellationToken.None);
                }
            }

            // A cancelled caller leaves its completion source in the queue; the pump skips it (TrySetResult fails) and
            // the token goes to the next waiter: a cancelled wait consumes no budget.
            long second;
            using (cancellationToken.Register(static state => ((TaskCompletionSource<long>)state!).TrySetCanceled(), waiter))
            {
                try
                {
                    second = await waiter.Task.ConfigureAwait(false);
                }
                catch (TaskCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException(cancellationToken);
                }
            }

            // The token belongs to the second it was claimed for. If this continuation ran only after that second was
            // over, spending it now would count against the next second's budget: drop it and wait again.
            if (CurrentSecond(out var into) == second && into < 1000 - SecondTailMilliseconds)
            {
                return;
            }
        }
    }

    private long CurrentSecond(out int millisecondsIntoSecond)
    {
        var ms = _time.GetUtcNow().ToUnixTimeMilliseconds();
        millisecondsIntoSecond = (int)(ms % 1000);
        return ms / 1000;
    }

    private async Task PumpAsync()
    {
        var token = _disposed.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                int wanted;
                lock (_gate)
                {
                    var now = CurrentSecond(out var millisecondsInto);
                    if (_second != now)
                    {
                        _second = now;
                        _tokens = 0;
                    }

                    while (_tokens > 0 && millisecondsInto < 1000 - SecondTailMilliseconds && _waiters.TryDequeue(out var waiter))
                    {
                        if (waiter.TrySetResult(now))
                        {
                            _tokens--;
                            Interlocked.Increment(ref _granted);
                        }
                    }

                    if (_waiters.Count == 0)
                    {
                        _pumping = false;
                        return;
                    }

                    wanted = Math.Min(_waiters.Count, _batch);
                }

                var second = CurrentSecond(out var into);
                if (into >= 1000 - SecondTailMilliseconds)
                {
                    await DelayToNextSecondAsync(into, token).ConfigureAwait(false);
                    continue;
                }

                int claimed;
                try
                {
                    claimed = await ClaimAsync(second, wanted, token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException && !token.IsCancellationRequested)
                {
                    Log.BudgetClaimFailed(_logger, ex);
                    await Task.Delay(TimeSpan.FromSeconds(1), _time, token).ConfigureAwait(false);
                    continue;
                }

                lock (_gate)
                {
                    if (_second == second)
                    {
                        _tokens += claimed;
                    }
                }

                if (claimed == 0 && CurrentSecond(out into) == second)
                {
                    // The second's budget is spent: wait for the next one. If the claim itself took us into a later
                    // second, go round at once: waiting "until the next second" from there would skip a whole one.
                    await DelayToNextSecondAsync(into, token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Disposed: the waiters were failed by Dispose.
        }
    }

    private Task DelayToNextSecondAsync(int millisecondsIntoSecond, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(1000 - millisecondsIntoSecond + 1), _time, cancellationToken);

    private async Task<int> ClaimAsync(long second, int wanted, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _claims);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // SET expressions see the row as it was before this update, so last_claim is exactly what this claim got; the
        // row lock taken by ON CONFLICT DO UPDATE serializes concurrent claims from all instances.
        await using var claim = new NpgsqlCommand(
            $"""
            INSERT INTO {_table} AS b (operation, epoch_second, granted, last_claim)
            VALUES (@operation, @second, LEAST(@wanted, @limit), LEAST(@wanted, @limit))
            ON CONFLICT (operation, epoch_second) DO UPDATE
               SET granted = b.granted + LEAST(@wanted, @limit - b.granted),
                   last_claim = LEAST(@wanted, @limit - b.granted)
             WHERE b.granted < @limit
            RETURNING last_claim
            """,
            connection);
        claim.Parameters.AddWithValue("operation", Operation);
        claim.Parameters.AddWithValue("second", second);
        claim.Parameters.AddWithValue("wanted", wanted);
        claim.Parameters.AddWithValue("limit", _limit);
        var result = await claim.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);

        if (second - _lastCleanupSecond >= 60)
        {
            _lastCleanupSecond = second;
            await using var cleanup = new NpgsqlCommand($"DELETE FROM {_table} WHERE epoch_second < @before", connection);
            cleanup.Parameters.AddWithValue("before", second - 60);
            await cleanup.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return result is int granted ? granted : 0;
    }
}
