namespace Scheduler.Api;

/// <summary>
/// The optional body of <c>POST /api/marts/{name}/runs</c>, as the OpenAPI document describes it (read by
/// <see cref="ManualRunBody"/>, which names a wrong field).
/// </summary>
/// <param name="LogicalDate">
/// The date the run is for: <c>2026-12-01</c> (the mart's first fire time that day), <c>2026-12-01T02:30</c> (local time
/// in the mart's zone) or <c>2026-12-01T02:30:00Z</c>. Default: now.
/// </param>
/// <param name="Parameters">Overrides of the mart's parameter defaults (string values; not the built-in ones).</param>
/// <param name="Downstream">Start the marts that depend on this one when it succeeds.</param>
internal sealed record ManualRunRequest(string? LogicalDate, IReadOnlyDictionary<string, string>? Parameters, bool? Downstream);
