using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scheduler.Database;

namespace Scheduler.Redshift.Limits;

/// <summary>
/// The Data API call budgets of every operation (<c>Redshift:Budget:*</c>) as one <see cref="PostgresCallBucket"/> each,
/// shared by all instances: the client pipeline's <see cref="IRedshiftCallBudget"/>, so every HTTP attempt of any caller
/// takes a token of its operation's budget. ExecuteStatement and BatchExecuteStatement share the <c>Submit</c> budget.
/// </summary>
internal sealed class PostgresCallBudget : IRedshiftCallBudget, IDisposable
{
    /// <summary>The budget of ExecuteStatement and BatchExecuteStatement together.</summary>
    public const string Submit = "Submit";

    private readonly FrozenDictionary<string, PostgresCallBucket> _buckets;
    private readonly FrozenDictionary<string, PostgresCallBucket> _byOperation;

    /// <summary>Creates one bucket per budget from <paramref name="options"/>.</summary>
    public PostgresCallBudget(SchedulerDatabase database, IOptions<RedshiftLimitsOptions> options, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        var budget = options.Value.Budget;
        var logger = loggers.CreateLogger<PostgresCallBudget>();
        var batch = budget.ClaimBatch ?? 20;
        PostgresCallBucket Bucket(string name, int limit) => new(database, name, limit, batch, time, logger);
        Describe = Bucket("DescribeStatement", budget.DescribeStatement ?? 80);
        var submit = Bucket(Submit, budget.Submit);
        _buckets = new[]
        {
            Describe, submit, Bucket("CancelStatement", budget.CancelStatement), Bucket("ListStatements", budget.ListStatements),
            Bucket("GetStatementResult", budget.GetStatementResult),
        }.ToFrozenDictionary(b => b.Name, StringComparer.Ordinal);
        _byOperation = new Dictionary<string, PostgresCallBucket>(StringComparer.Ordinal)
        {
            ["ExecuteStatement"] = submit,
            ["BatchExecuteStatement"] = submit,
            ["DescribeStatement"] = Describe,
            ["CancelStatement"] = _buckets["CancelStatement"],
            ["ListStatements"] = _buckets["ListStatements"],
            ["GetStatementResult"] = _buckets["GetStatementResult"],
        }.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The DescribeStatement budget (the watcher takes its tokens first, then chooses a statement).</summary>
    public PostgresCallBucket Describe { get; }

    /// <summary>Every budget, by name (<c>Submit</c>, <c>DescribeStatement</c>, <c>CancelStatement</c>, …).</summary>
    public IReadOnlyDictionary<string, PostgresCallBucket> Buckets => _buckets;

    /// <inheritdoc />
    public ValueTask AcquireAsync(string operation, CancellationToken cancellationToken) =>
        _byOperation.TryGetValue(operation, out var bucket) ? bucket.AcquireAsync(cancellationToken) : ValueTask.CompletedTask;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var bucket in _buckets.Values)
        {
            bucket.Dispose();
        }
    }
}
