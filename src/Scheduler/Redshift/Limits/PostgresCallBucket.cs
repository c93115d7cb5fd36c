using Microsoft.Extensions.Logging;
using Npgsql;
using Scheduler.Database;

namespace Scheduler.Redshift.Limits;

/// <summary>
/// One operation's calls-per-second budget as a PostgreSQL table of per-second token buckets (table <c>call_budget</c>,
/// one row per budget and wall-clock second), shared by every instance. An instance claims a batch of its second's
/// tokens in one upsert and hands them to its waiting callers; tokens left at the end of their second are dropped, never
/// carried over, so the calls made in any second by all instances together never exceed the limit (given clocks kept in
/// sync, e.g. by NTP).
/// </summary>
/// <remarks>
/// <para>Paced, not a burst: the n-th token of a second (numbered across all instances by the shared row) may be spent
/// only from n × 850 ms / limit into the second. A burst granted at the start of each second arrived at the service
/// partly in the next second when the sender lagged (the benchmark saw 32 and 49 calls in one second against 25).</para>
/// <para>Fails closed: while PostgreSQL cannot be reached no token is granted. The Hangfire jobs need the same database,
/// so nothing else would progress either.</para>
/// </remarks>
internal sealed partial class PostgresCallBucket : IDisposable
{
    // A call started in the last moments of a second may reach AWS in the next one (more so on a loaded machine), where
    // it would count against that second's budget; tokens are not spent in those moments.
    private const int SecondTailMilliseconds = 150;
    private const int Window = 1000 - SecondTailMilliseconds;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _table;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _batch;
    private readonly Lock _gate = new();
    private readonly Queue<TaskCompletionSource<long>> _waiters = new();

    // Milliseconds into _second from which each claimed token may be spent, ascending.
    private readonly Queue<int> _slots = new();
    private readonly CancellationTokenSource _disposed = new();
    private bool _pumping;
    private long _second = -1;
    private long _exhaustedSecond = -1;
    private long _lastCleanupSecond;
    private int _disposedFlag;
    private long _granted;
    private long _claims;

    /// <summary>Creates the bucket named <paramref name="name"/> (its rows in <c>call_budget.operation</c>).</summary>
    public PostgresCallBucket(SchedulerDatabase database, string name, int limit, int claimBatch, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(claimBatch);
        _dataSource = database.DataSource;
        _table = $"{database.Schema}.call_budget";
        Name = name;
        Limit = limit;
        _batch = Math.Min(claimBatch, limit);
        _time = time;
        _logger = logger;
    }

    /// <summary>The budget's name (an operation, or <c>Submit</c> for ExecuteStatement and BatchExecuteStatement).</summary>
    public string Name { get; }

    /// <summary>Calls per second for all instances together.</summary>
    public int Limit { get; }

    /// <summary>Calls granted by this instance so far (for the benchmark and diagnostics).</summary>
    public long Granted => Interlocked.Read(ref _granted);

    /// <summary>Round trips to PostgreSQL made to claim tokens.</summary>
    public long Claims => Interlocked.Read(ref _claims);

    /// <summary>Waits until one more call fits in the budget (and its pace) of the current second.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public ValueTask AcquireAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_waiters.Count == 0 && _slots.Count > 0 && _second == CurrentSecond(out var into) && into < Window && _slots.Peek() <= into)
            {
                _slots.Dequeue();
                Interlocked.Increment(ref _granted);
                return ValueTask.CompletedTask;
            }
        }

        return WaitForTokenAsync(cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The container may dispose it once per registration.
        if (Interlocked.Exchange(ref _disposedFlag, 1) == 1)
        {
            return;
        }

        _disposed.Cancel();
        lock (_gate)
        {
            while (_waiters.TryDequeue(out var waiter))
            {
                waiter.TrySetException(new ObjectDisposedException(nameof(PostgresCallBucket)));
            }
        }

        _disposed.Dispose();
    }

    /// <summary>When the token numbered <paramref name="index"/> (0-based, all instances) of a second may be spent.</summary>
    internal static int SlotOf(long index, int limit) => (int)(index * Window / limit);

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
            if (CurrentSecond(out var into) == second && into < Window)
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
                int nextSlot;
                long second;
                int into;
                lock (_gate)
                {
                    second = CurrentSecond(out into);
                    if (_second != second)
                    {
                        _second = second;
                        _slots.Clear();
                    }

                    while (_slots.Count > 0 && _slots.Peek() <= into && into < Window && _waiters.TryDequeue(out var waiter))
                    {
                        if (waiter.TrySetResult(second))
                        {
                            _slots.Dequeue();
                            Interlocked.Increment(ref _granted);
                        }
                    }

                    if (_waiters.Count == 0)
                    {
                        _pumping = false;
                        return;
                    }

                    wanted = _exhaustedSecond == second ? 0 : Math.Min(_waiters.Count - _slots.Count, _batch);
                    nextSlot = _slots.Count > 0 ? _slots.Peek() : -1;
                }

                if (into >= Window)
                {
                    await DelayAsync(1000 - into + 1, token).ConfigureAwait(false);
                    continue;
                }

                if (wanted > 0)
                {
                    int claimed;
                    long first;
                    try
                    {
                        (first, claimed) = await ClaimAsync(second, wanted, token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException && !token.IsCancellationRequested)
                    {
                        LogClaimFailed(_logger, ex, Name);
                        await Task.Delay(TimeSpan.FromSeconds(1), _time, token).ConfigureAwait(false);
                        continue;
                    }

                    lock (_gate)
                    {
                        if (_second == second)
                        {
                            for (var i = 0; i < claimed; i++)
                            {
                                _slots.Enqueue(SlotOf(first + i, Limit));
                            }

                            if (claimed < wanted)
                            {
                                _exhaustedSecond = second;
                            }
                        }
                    }

                    if (claimed > 0)
                    {
                        continue; // hand them out (those already due) at once
                    }
                }

                // Wait for the next token's moment, or for the next second when this one's budget is spent. If the claim
                // itself took us into a later second, go round at once.
                var now = CurrentSecond(out into);
                if (now != second)
                {
                    continue;
                }

                lock (_gate)
                {
                    nextSlot = _slots.Count > 0 ? _slots.Peek() : -1;
                }

                await DelayAsync(nextSlot > into ? nextSlot - into : nextSlot >= 0 ? 0 : 1000 - into + 1, token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Disposed: the waiters were failed by Dispose.
        }
    }

    private Task DelayAsync(int milliseconds, CancellationToken cancellationToken) =>
        milliseconds <= 0 ? Task.CompletedTask : Task.Delay(TimeSpan.FromMilliseconds(milliseconds), _time, cancellationToken);

    /// <returns>The index (within the second, all instances) of the first token claimed, and how many were claimed.</returns>
    private async Task<(long First, int Claimed)> ClaimAsync(long second, int wanted, CancellationToken cancellationToken)
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
            RETURNING granted, last_claim
            """,
            connection);
        claim.Parameters.AddWithValue("operation", Name);
        claim.Parameters.AddWithValue("second", second);
        claim.Parameters.AddWithValue("wanted", wanted);
        claim.Parameters.AddWithValue("limit", Limit);
        long first = 0;
        var claimed = 0;
        await using (var reader = await claim.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var granted = reader.GetInt32(0);
                claimed = reader.GetInt32(1);
                first = granted - claimed;
            }
        }

        if (second - _lastCleanupSecond >= 60)
        {
            _lastCleanupSecond = second;
            await using var cleanup = new NpgsqlCommand($"DELETE FROM {_table} WHERE epoch_second < @before", connection);
            cleanup.Parameters.AddWithValue("before", second - 60);
            await cleanup.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return (first, claimed);
    }

    [LoggerMessage(EventId = 4100, Level = LogLevel.Warning, Message = "Could not claim {Budget} budget from PostgreSQL; retrying in 1 s")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception, string budget);
}
