using System.Text.Json;
using Microsoft.Extensions.Options;
using RedshiftDataEmulator.Faults;
using RedshiftDataEmulator.Limits;
using RedshiftDataEmulator.Statements;

namespace RedshiftDataEmulator.Admin;

/// <summary><c>/_emulator/*</c>: the submission log, fault injection and limits, for tests (guarded by <see cref="AdminAccess"/>).</summary>
internal static class AdminEndpoints
{
    public static void MapAdminEndpoints(this WebApplication app)
    {
        app.MapGet("/_emulator/statements", async (StatementStore store, TimeProvider time, IOptions<EmulatorOptions> options, CancellationToken cancellationToken) =>
        {
            var all = await store.ListAllAsync(time.GetUtcNow() - options.Value.StatementRetention, cancellationToken);
            return Results.Ok(all.Select(s => new SubmittedStatement(
                s.Id.ToString(), s.ClientToken, s.StatementName, s.Sqls, s.Status, s.CreatedAt, s.UpdatedAt, s.Executions)));
        });

        app.MapGet("/_emulator/faults", (FaultInjector faults) => Results.Ok(faults.Settings));

        app.MapGet("/_emulator/limits", (ActiveStatementLimiter active, CallQuota quota, IOptions<EmulatorOptions> options) =>
            Results.Ok(new LimitsReport(options.Value.MaxActiveStatements, active.Report(), quota.Report())));

        app.MapPost("/_emulator/limits/reset", (ActiveStatementLimiter active, CallQuota quota, IOptions<EmulatorOptions> options) =>
        {
            active.ResetPeaks();
            quota.Reset();
            return Results.Ok(new LimitsReport(options.Value.MaxActiveStatements, active.Report(), quota.Report()));
        });

        app.MapPost("/_emulator/faults", async (HttpRequest request, FaultInjector faults, CancellationToken cancellationToken) =>
        {
            JsonDocument document;
            try
            {
                document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            }
            catch (JsonException ex)
            {
                return Results.BadRequest(new { error = $"The body must be a JSON object: {ex.Message}" });
            }

            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return Results.BadRequest(new { error = "The body must be a JSON object such as {\"throttleRate\":0.5,\"errorRate\":0,\"latencyMs\":0}." });
                }

                var errors = new List<string>();
                var throttle = Rate(document.RootElement, "throttleRate", errors);
                var error = Rate(document.RootElement, "errorRate", errors);
                var latency = 0;
                if (document.RootElement.TryGetProperty("latencyMs", out var l)
                    && (l.ValueKind != JsonValueKind.Number || !l.TryGetInt32(out latency) || latency < 0))
                {
                    errors.Add($"latencyMs must be a whole number of milliseconds >= 0, got {l.GetRawText()}.");
                }

                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (property.Name is not ("throttleRate" or "errorRate" or "latencyMs"))
                    {
                        errors.Add($"Unknown member '{property.Name}': expected throttleRate, errorRate, latencyMs.");
                    }
                }

                if (errors.Count > 0)
                {
                    return Results.BadRequest(new { error = string.Join(" ", errors) });
                }

                faults.Settings = new FaultSettings(throttle, error, latency);
                return Results.Ok(faults.Settings);
            }
        });
    }

    private static double Rate(JsonElement root, string name, List<string> errors)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return 0;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var rate) || rate < 0 || rate > 1)
        {
            errors.Add($"{name} must be a number from 0 to 1, got {value.GetRawText()}.");
            return 0;
        }

        return rate;
    }
}
