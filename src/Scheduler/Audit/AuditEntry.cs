namespace Scheduler.Audit;

/// <summary>One state-changing action, accepted or refused: who, what, on what, from where, and how it ended.</summary>
/// <param name="At">When it was answered.</param>
/// <param name="User">The user name, <c>loopback</c> in loopback mode, or the operating-system user for the command line.</param>
/// <param name="Role">The user's role (<c>Admin</c>, <c>Viewer</c>), or <c>cli</c> for the command line.</param>
/// <param name="Action">What was asked, e.g. <c>run.start</c>, <c>mart.pause</c>, <c>hangfire.recurring.trigger</c>.</param>
/// <param name="Target">What it was asked of, e.g. <c>mart/daily</c>, <c>run/…</c>, <c>backfill/…</c>; null when global.</param>
/// <param name="Mart">The mart concerned, when one is.</param>
/// <param name="Parameters">What was sent with it, credential-like values hidden; null when nothing.</param>
/// <param name="RemoteAddress">The client's address; null for the command line.</param>
/// <param name="Outcome"><c>accepted</c> or <c>refused</c>.</param>
/// <param name="Status">The HTTP status answered (the command line's: 0 accepted, else its exit code).</param>
internal sealed record AuditEntry(
    DateTimeOffset At,
    string User,
    string Role,
    string Action,
    string? Target,
    string? Mart,
    IReadOnlyDictionary<string, string>? Parameters,
    string? RemoteAddress,
    string Outcome,
    int Status)
{
    /// <summary>The outcome of an action that was carried out.</summary>
    public const string Accepted = "accepted";

    /// <summary>The outcome of an action that was refused (403, 404, 409…).</summary>
    public const string Refused = "refused";

    /// <summary>The row's id: the cursor of the next page (<c>before</c>).</summary>
    public long Id { get; init; }
}
