using System.Text.Json;
using Scheduler.Security;
using Scheduler.Sql;

namespace Scheduler.Audit;

/// <summary>
/// Records every state-changing request of the API, of our dashboard pages and of Hangfire's own buttons once it is
/// answered: accepted (a 2xx or 3xx) or refused (403, 404, 409…, with the status). Only requests of an authenticated
/// user (or of loopback mode's <c>loopback</c>) are recorded: anonymous 401s and throttled 429s would let anyone fill
/// the table. What was sent is kept with credential-like values hidden and the rest redacted.
/// </summary>
internal sealed partial class AuditMiddleware(RequestDelegate next, AuditStore store, TimeProvider time, ILogger<AuditMiddleware> logger)
{
    private const int MaxBodyBytes = 64 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        var action = AuditedAction.Of(context.Request.Method, context.Request.Path.Value ?? "");
        if (action is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var parameters = await ReadParametersAsync(context.Request, action.Via).ConfigureAwait(false);
        await next(context).ConfigureAwait(false);

        var user = context.User;
        if (user.Identity is not { IsAuthenticated: true, Name: { } name })
        {
            return;
        }

        var status = context.Response.StatusCode;
        var entry = new AuditEntry(
            time.GetUtcNow(),
            name,
            SchedulerAuthentication.IsAdmin(user) ? nameof(SchedulerRole.Admin) : nameof(SchedulerRole.Viewer),
            action.Action,
            action.Target ?? (parameters.TryGetValue("jobs", out var jobs) ? $"job/{jobs}" : null),
            action.Mart,
            parameters,
            context.Connection.RemoteIpAddress?.ToString(),
            status < 400 ? AuditEntry.Accepted : AuditEntry.Refused,
            status);
        try
        {
            // The answer is written: the entry must not depend on the client still listening.
            await store.RecordAsync(entry, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
        {
            LogNotRecorded(logger, ex, LogText.Escape(entry.Action), LogText.Escape(entry.User));
        }
    }

    private static async Task<Dictionary<string, string>> ReadParametersAsync(HttpRequest request, string via)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal) { ["via"] = via };
        if (request.ContentLength is > MaxBodyBytes)
        {
            return parameters;
        }

        try
        {
            if (request.HasFormContentType)
            {
                var form = await request.ReadFormAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
                foreach (var (key, values) in form)
                {
                    // The antiforgery token is a credential of the session, not a parameter of the action.
                    if (!key.StartsWith("__", StringComparison.Ordinal) && !key.Contains("csrf", StringComparison.OrdinalIgnoreCase))
                    {
                        Add(parameters, key.Replace("[]", "", StringComparison.Ordinal), string.Join(",", values.ToArray()));
                    }
                }
            }
            else if (request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
            {
                request.EnableBuffering(MaxBodyBytes);
                using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
                request.Body.Position = 0;
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in document.RootElement.EnumerateObject())
                    {
                        if (property.Value.ValueKind == JsonValueKind.Object)
                        {
                            foreach (var inner in property.Value.EnumerateObject())
                            {
                                Add(parameters, $"{property.Name}.{inner.Name}", inner.Value.ToString());
                            }
                        }
                        else
                        {
                            Add(parameters, property.Name, property.Value.ToString());
                        }
                    }
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or IOException or BadHttpRequestException)
        {
            // The endpoint answers the malformed body itself; the entry keeps what could be read.
            if (request.Body.CanSeek)
            {
                request.Body.Position = 0;
            }
        }

        return parameters;
    }

    private static void Add(Dictionary<string, string> parameters, string key, string value)
    {
        var name = key[(key.LastIndexOf('.') + 1)..];
        parameters[key] = SecretNames.IsSecret(name) ? SecretNames.Hidden : SecretRedactor.Redact(value);
    }

    [LoggerMessage(EventId = 2301, Level = LogLevel.Error, Message = "Could not record {Action} by '{User}' in the audit log")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception, string action, string user);
}
