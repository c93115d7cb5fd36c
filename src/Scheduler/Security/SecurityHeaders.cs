using System.Security.Cryptography;
using System.Text;

namespace Scheduler.Security;

/// <summary>
/// The response headers every page and API answer carries: no framing (clickjacking of Run now and Cancel), a
/// Content-Security-Policy, no MIME sniffing, and no full URLs in the Referer sent to other sites.
/// </summary>
internal sealed class SecurityHeaders(IEnumerable<InlineScript> inlineScripts)
{
    /// <summary>
    /// The Content-Security-Policy. Hangfire's layout loads its scripts and styles from the dashboard's own routes and
    /// writes no inline script, so scripts are <c>'self'</c> plus our pages' inline scripts by hash. Inline
    /// <c>style</c> attributes stay allowed: Hangfire's pages and ours use them, and a style cannot run code.
    /// Hangfire's favicon is a <c>data:</c> URL.
    /// </summary>
    public string ContentSecurityPolicy { get; } = string.Join("; ",
        "default-src 'self'",
        "script-src 'self' " + string.Join(" ", inlineScripts.Select(s => Hash(s.Body)).Distinct(StringComparer.Ordinal)),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'");

    /// <summary>Sets the headers on a response that has not started.</summary>
    public void Apply(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
    }

    private static string Hash(string script) =>
        $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script)))}'";
}
