using System.Text.Json;
using Scheduler.Pausing;
using Scheduler.Security;

namespace Scheduler.Api;

/// <summary>The optional body of a pause: <c>{"reason": "…"}</c>, kept with the pause and shown in the banner and the log.</summary>
/// <param name="Reason">Why (at most 500 characters).</param>
internal sealed record PauseRequest(string? Reason)
{
    /// <summary>The longest reason kept.</summary>
    public const int MaxReasonLength = 500;

    /// <summary>The reason of the request's JSON body, or null when there is no body, no reason or no JSON.</summary>
    public static async Task<string?> ReadReasonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength is 0 or > 16 * 1024 || request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return null;
        }

        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.String
                && reason.GetString() is { Length: > 0 } text
                    ? text.Length > MaxReasonLength ? text[..MaxReasonLength] : text
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Logs the pause with its reason (escaped: it is user-supplied).</summary>
    public static void LogPaused(HttpContext http, string? mart, PauseInfo pause)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(pause);
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Scheduler.Pausing");
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var user = LogText.Escape(pause.PausedBy);
        var reason = LogText.Escape(pause.Reason ?? "no reason given");
        PauseLog.Paused(logger, mart ?? "(every mart)", user, reason);
    }
}
