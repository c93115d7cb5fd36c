using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scheduler.Background;
using Scheduler.Hosting;
using Scheduler.Redshift;
using Scheduler.Redshift.Model;

namespace Scheduler.Runs.Watching;

/// <summary>
/// The fast path: keeps a long-polling DescribeStatement (<c>WaitTimeSeconds</c>) open for each active statement on
/// async I/O and records a terminal status the moment the call returns with one. Not needed for correctness: the delayed
/// poll jobs still follow every run, and a restarted instance simply re-reads the active runs and watches them again.
/// </summary>
/// <remarks>
/// Every call takes a token of the shared <see cref="IDescribeCallBudget"/> first and at most
/// <see cref="WatchingOptions.MaxConcurrentLongPolls"/> are open at once. When the budget cannot keep every statement
/// watched (each long poll covers at most 30 s, so N statements need N/30 calls per second), the next call goes to the
/// statement that is most overdue against its expected finish, else to the one watched least recently.
/// </remarks>
internal sealed partial class RunWatcher : BackgroundService
{
    private readonly IActiveStatementSource _source;
    private readonly IStatementOutcomeRecorder _recorder;
    private readonly IRedshiftDataClient _client;
    private readonly IDescribeCallBudget _budget;
    private readonly TimeProvider _time;
    private readonly ILogger<RunWatcher> _logger;
    private readonly WatchingOptions _options;
    private readonly SemaphoreSlim _slots;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Watch> _watches = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _recentlyRecorded = new(StringComparer.Ordinal);
    private readonly PriorityQueue<Watch, DateTimeOffset> _ready = new();
    private TaskCompletionSource? _readySignal;
    private int _polling;
    private long _calls;
    private long _recorded;
    private long _errors;

    /// <param name="source">The active runs (the ledger).</param>
    /// <param name="recorder">The runs' idempotent "record terminal status" entry point.</param>
    /// <param name="client">
    /// The Data API client. The watcher takes each call's budget token itself (so that it can choose which statement the
    /// token is spent on) and makes the call with the first attempt marked prepaid (<see cref="RedshiftCallBudgetScope"/>).
    /// </param>
    /// <param name="budget">The DescribeStatement budget shared by all instances.</param>
    /// <param name="options">The <c>Watching</c> settings.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The logger.</param>
    public RunWatcher(
        IActiveStatementSource source,
        IStatementOutcomeRecorder recorder,
        IRedshiftDataClient client,
        IDescribeCallBudget budget,
        IOptions<WatchingOptions> options,
        TimeProvider time,
        ILogger<RunWatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _source = source;
        _recorder = recorder;
        _client = client;
        _budget = budget;
        _time = time;
        _logger = logger;
        _options = options.Value;
        _slots = new SemaphoreSlim(_options.MaxConcurrentLongPolls, _options.MaxConcurrentLongPolls);
    }

    /// <summary>What the watcher is doing right now.</summary>
    public RunWatcherStatistics GetStatistics()
    {
        lock (_gate)
        {
            var awaiting = 0;
            foreach (var watch in _watches.Values)
            {
                if (!watch.EverPolled)
                {
                    awaiting++;
                }
            }

            return new RunWatcherStatistics(
                _watches.Count,
                Volatile.Read(ref _polling),
                awaiting,
                Interlocked.Read(ref _calls),
                Interlocked.Read(ref _recorded),
                Interlocked.Read(ref _errors));
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _slots.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Log.Started(_logger, _options.WaitTimeSeconds, _options.MaxConcurrentLongPolls);
        var refresh = RefreshLoopAsync(stoppingToken);
        var dispatch = DispatchLoopAsync(stoppingToken);
        try
        {
            await Task.WhenAll(refresh, dispatch).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: open long polls are cancelled with the same token; the ledger keeps every run for the next start.
        }
    }

    private async Task RefreshLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var active = await _source.GetActiveStatementsAsync(cancellationToken).ConfigureAwait(false);
                Reconcile(active);
            }
#pragma warning disable CA1031 // the ledger may be briefly unreachable; the next refresh tries again and the backstop is unaffected
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref _errors);
                Log.RefreshFailed(_logger, ex);
            }

            await Task.Delay(_options.RefreshInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Reconcile(IReadOnlyCollection<ActiveStatement> active)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            var seen = new HashSet<string>(active.Count, StringComparer.Ordinal);
            foreach (var statement in active)
            {
                seen.Add(statement.StatementId);
                if (_watches.ContainsKey(statement.StatementId) || _recentlyRecorded.ContainsKey(statement.StatementId))
                {
                    continue;
                }

                var watch = new Watch(statement) { LastWatchedAt = statement.SubmittedAt };
                _watches.Add(statement.StatementId, watch);
                EnqueueLocked(watch);
            }

            List<string>? gone = null;
            foreach (var (id, watch) in _watches)
            {
                if (!seen.Contains(id))
                {
                    // Ended elsewhere (a backstop poll, a cancel, another instance): stop watching. A queued entry is
                    // skipped when it comes up; an open long poll just returns and is not renewed.
                    watch.Removed = true;
                    (gone ??= []).Add(id);
                }
            }

            foreach (var id in gone ?? [])
            {
                _watches.Remove(id);
            }

            // The ledger may still list a run for a moment after the watcher recorded it; don't watch it again.
            var forgetBefore = now - (_options.RefreshInterval * 5);
            List<string>? stale = null;
            foreach (var (id, at) in _recentlyRecorded)
            {
                if (at < forgetBefore || !seen.Contains(id))
                {
                    (stale ??= []).Add(id);
                }
            }

            foreach (var id in stale ?? [])
            {
                _recentlyRecorded.Remove(id);
            }
        }
    }

    private async Task DispatchLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            Watch? watch;
            try
            {
                await WaitForReadyAsync(cancellationToken).ConfigureAwait(false);
                await _budget.AcquireAsync(cancellationToken).ConfigureAwait(false);
                // Choose only now, with the token in hand: priorities move while we wait for budget.
                watch = DequeueLocked();
            }
            catch
            {
                _slots.Release();
                throw;
            }

            if (watch is null)
            {
                // Everything queued was removed meanwhile; this token goes unused, which only lowers the rate.
                _slots.Release();
                continue;
            }

            _ = PollAsync(watch, cancellationToken);
        }
    }

    private async Task WaitForReadyAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task signal;
            lock (_gate)
            {
                while (_ready.TryPeek(out var head, out _) && head.Removed)
                {
                    _ready.Dequeue();
                }

                if (_ready.Count > 0)
                {
                    return;
                }

                _readySignal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                signal = _readySignal.Task;
            }

            await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private Watch? DequeueLocked()
    {
        lock (_gate)
        {
            while (_ready.TryDequeue(out var watch, out _))
            {
                watch.Queued = false;
                if (!watch.Removed)
                {
                    watch.EverPolled = true;
                    return watch;
                }
            }

            return null;
        }
    }

    private void EnqueueLocked(Watch watch)
    {
        if (watch.Queued || watch.Removed)
        {
            return;
        }

        watch.Queued = true;
        _ready.Enqueue(watch, Priority(watch));
        var signal = _readySignal;
        _readySignal = null;
        signal?.TrySetResult();
    }

    private DateTimeOffset Priority(Watch watch)
    {
        // Earlier = sooner. A statement with a known typical duration becomes due one wait before its expected finish
        // (so the long poll spans it) and stays at the front once overdue. One without is ranked halfway between its
        // submission and its last watch: older statements (likelier to end soon) come back sooner, yet a young one is
        // not starved for ever by a few very long ones.
        var statement = watch.Statement;
        return statement.ExpectedDuration is { } expected
            ? statement.SubmittedAt + expected - TimeSpan.FromSeconds(_options.WaitTimeSeconds)
            : statement.SubmittedAt + ((watch.LastWatchedAt - statement.SubmittedAt) / 2);
    }

    private async Task PollAsync(Watch watch, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _polling);
        var statement = watch.Statement;
        try
        {
            Interlocked.Increment(ref _calls);
            DescribeStatementResponse response;
            using (RedshiftCallBudgetScope.FirstAttemptPrepaid())
            {
                response = await _client.DescribeStatementAsync(
                    new DescribeStatementRequest { Id = statement.StatementId, WaitTimeSeconds = _options.WaitTimeSeconds },
                    cancellationToken).ConfigureAwait(false);
            }

            if (StatusString.IsTerminal(response.Status))
            {
                await _recorder.RecordTerminalAsync(statement, response, cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _recorded);
                Log.Recorded(_logger, statement.StatementId, statement.RunId, response.Status);
                lock (_gate)
                {
                    watch.Removed = true;
                    _watches.Remove(statement.StatementId);
                    _recentlyRecorded[statement.StatementId] = _time.GetUtcNow();
                }

                return;
            }

            lock (_gate)
            {
                watch.Failures = 0;
                watch.LastWatchedAt = _time.GetUtcNow();
                EnqueueLocked(watch);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
#pragma warning disable CA1031 // any failure (throttling, an expired statement, the ledger) is retried after a back-off; the backstop still runs
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _errors);
            int failures;
            lock (_gate)
            {
                failures = ++watch.Failures;
            }

            var backoff = new Backoff(_options.ErrorBackoff, 2, TimeSpan.FromMinutes(1)).Delay(failures - 1);
            Log.PollFailed(_logger, statement.StatementId, statement.RunId, failures, backoff, ex);
            _ = RequeueAfterAsync(watch, backoff, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _polling);
            _slots.Release();
        }
    }

    private async Task RequeueAfterAsync(Watch watch, TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (_gate)
        {
            watch.LastWatchedAt = _time.GetUtcNow();
            EnqueueLocked(watch);
        }
    }

    private sealed class Watch(ActiveStatement statement)
    {
        public ActiveStatement Statement { get; } = statement;

        public DateTimeOffset LastWatchedAt { get; set; }

        public bool Queued { get; set; }

        public bool Removed { get; set; }

        public bool EverPolled { get; set; }

        public int Failures { get; set; }
    }
}
