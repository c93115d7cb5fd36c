using System.Collections.Concurrent;
using System.Text.Json;

namespace Scheduler.Benchmarks.Scale;

/// <summary>One Data API request as the emulator received it.</summary>
internal readonly record struct ApiCall(DateTimeOffset At, string Operation, string? StatementId);

/// <summary>
/// Middleware on the in-process emulator that notes every Data API request (operation, statement id, arrival time):
/// an observer independent of the scheduler, for call counts, per-second rates and "watched again" times.
/// </summary>
internal sealed class EmulatorCallLog
{
    private readonly ConcurrentQueue<ApiCall> _calls = new();

    public void Attach(WebApplication app) => app.Use(async (context, next) =>
    {
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        if (HttpMethods.IsPost(context.Request.Method) && target.StartsWith("RedshiftData.", StringComparison.Ordinal))
        {
            var operation = target["RedshiftData.".Length..];
            string? id = null;
            if (operation == "DescribeStatement")
            {
                context.Request.EnableBuffering();
                try
                {
                    using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
                    if (body.RootElement.TryGetProperty("Id", out var idElement) && idElement.ValueKind == JsonValueKind.String)
                    {
                        id = idElement.GetString()!.Split(':')[0];
                    }
                }
                catch (JsonException)
                {
                    // The emulator answers malformed bodies itself.
                }

                context.Request.Body.Position = 0;
            }

            _calls.Enqueue(new ApiCall(TimeProvider.System.GetUtcNow(), operation, id));
        }

        await next(context);
    });

    public IReadOnlyList<ApiCall> Between(DateTimeOffset from, DateTimeOffset to, string? operation = null) =>
        _calls.Where(c => c.At >= from && c.At <= to && (operation is null || c.Operation == operation)).ToList();

    /// <summary>Calls per wall-clock second (the budget's unit), highest first.</summary>
    public static int PeakPerSecond(IEnumerable<ApiCall> calls) =>
        calls.GroupBy(c => c.At.ToUnixTimeSeconds()).Select(g => g.Count()).DefaultIfEmpty(0).Max();
}
