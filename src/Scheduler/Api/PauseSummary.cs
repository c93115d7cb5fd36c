namespace Scheduler.Api;

/// <summary>A pause as the API answers it (<c>POST /api/pause</c>, <c>/api/marts/{name}/pause</c>, their resumes, <c>GET /api/pause</c>).</summary>
/// <param name="Mart">The mart, or null for the global pause.</param>
/// <param name="Paused">Whether it is paused now.</param>
/// <param name="PausedAt">Since when (UTC), while paused.</param>
/// <param name="PausedBy">Who paused it, while paused (null when unknown).</param>
internal sealed record PauseSummary(string? Mart, bool Paused, DateTimeOffset? PausedAt, string? PausedBy)
{
    /// <summary>Why it was paused, when the pause said so.</summary>
    public string? Reason { get; init; }
}
