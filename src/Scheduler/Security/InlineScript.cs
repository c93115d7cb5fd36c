namespace Scheduler.Security;

/// <summary>
/// An inline script a page of ours writes, allowed by the Content-Security-Policy by its hash. The area that writes the
/// script registers it (the dashboard registers its own), so the policy never has to know the pages.
/// </summary>
/// <param name="Body">The script's text between <c>&lt;script&gt;</c> and <c>&lt;/script&gt;</c>, exactly as written.</param>
internal sealed record InlineScript(string Body);
