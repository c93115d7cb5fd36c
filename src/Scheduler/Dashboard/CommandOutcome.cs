namespace Scheduler.Dashboard;

/// <summary>What a dashboard command answers (JSON): the outcome, a sentence for people, and the run concerned.</summary>
/// <param name="Outcome"><c>started</c>, <c>skipped</c>, <c>cancelling</c>, <c>cancelled</c>, <c>not-active</c>, <c>not-found</c> or <c>forbidden</c>.</param>
/// <param name="Message">What happened, e.g. "Skipped: run … is still active."</param>
/// <param name="RunId">The run started, skipped or cancelled.</param>
/// <param name="RunUrl">The dashboard page of the started run, for the browser to go to.</param>
internal sealed record CommandOutcome(string Outcome, string Message, Guid? RunId = null, string? RunUrl = null);
