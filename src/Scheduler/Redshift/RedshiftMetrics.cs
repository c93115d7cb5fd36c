using System.Diagnostics.Metrics;

namespace Scheduler.Redshift;

/// <summary>Counters of the Data API client, on the <c>Scheduler.Redshift</c> meter.</summary>
internal sealed class RedshiftMetrics : IDisposable
{
    public const string MeterName = "Scheduler.Redshift";

    private readonly Meter _meter;
    private readonly Counter<long> _calls;
    private readonly Counter<long> _attempts;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _throttles;

    public RedshiftMetrics(IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _calls = _meter.CreateCounter<long>("scheduler.redshift.calls", "{call}",
            "Logical Data API calls by operation and outcome (ok, or the final error code).");
        _attempts = _meter.CreateCounter<long>("scheduler.redshift.attempts", "{request}",
            "HTTP requests sent to the Data API, retries included.");
        _retries = _meter.CreateCounter<long>("scheduler.redshift.retries", "{retry}",
            "Retries by operation and the error code that caused them.");
        _throttles = _meter.CreateCounter<long>("scheduler.redshift.throttles", "{response}",
            "Throttling answers (ThrottlingException and friends, HTTP 429) by operation.");
    }

    public void Call(string operation, string outcome) =>
        _calls.Add(1, new("operation", operation), new("outcome", outcome));

    public void Attempt(string operation) => _attempts.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void Retry(string operation, string errorCode) =>
        _retries.Add(1, new("operation", operation), new("error_code", errorCode));

    public void Throttle(string operation) => _throttles.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void Dispose() => _meter.Dispose();
}
