using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;

namespace Scheduler.Sql;

/// <summary>
/// Removes credentials from SQL and from Redshift's (or PostgreSQL's) error texts before they are shown, logged,
/// stored as a run's error, alerted or put in Hangfire's job data. The SQL submitted to Redshift is never changed:
/// this is for what people and other systems see.
/// </summary>
/// <remarks>
/// What is replaced by <see cref="Mask"/>:
/// <list type="bullet">
/// <item>the quoted literal after <c>CREDENTIALS</c>, <c>ACCESS_KEY_ID</c>, <c>SECRET_ACCESS_KEY</c>,
/// <c>SESSION_TOKEN</c>, <c>PASSWORD</c> and <c>MASTER_SYMMETRIC_KEY</c> (any case; <c>''</c> and <c>\'</c> inside the
/// literal are followed). Inside a <c>CREDENTIALS</c> literal made of <c>key=value</c> pairs only the values are
/// masked, and <c>aws_iam_role</c> is kept: a role ARN is not a secret and says which role failed.</item>
/// <item><c>key=value</c> pairs anywhere whose key is <c>aws_access_key_id</c>, <c>aws_secret_access_key</c>,
/// <c>aws_session_token</c>, <c>token</c>, <c>password</c>, <c>secret</c> or <c>master_symmetric_key</c> (error texts
/// often quote a credential string without its keyword).</item>
/// </list>
/// <c>IAM_ROLE 'arn:…'</c> is left as it is.
/// </remarks>
public static partial class SecretRedactor
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Mask = "***";

    /// <summary>What the whole text becomes when it cannot be checked in time (pathological input).</summary>
    public const string Unreadable = "(text withheld: it could not be checked for credentials)";

    private const int TimeoutMilliseconds = 1000;

    /// <summary>The text with every credential masked; null stays null.</summary>
    [return: NotNullIfNotNull(nameof(text))]
    public static string? Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        try
        {
            var withoutLiterals = KeywordLiteral().Replace(text, static match =>
            {
                var literal = match.Groups["literal"].Value;
                var body = RedactLiteralBody(match.Groups["keyword"].Value, literal);
                return match.Groups["keyword"].Value + match.Groups["separator"].Value + body;
            });
            return KeyValue().Replace(withoutLiterals, static match => match.Groups["key"].Value + match.Groups["equals"].Value + Mask);
        }
        catch (RegexMatchTimeoutException)
        {
            return Unreadable;
        }
    }

    private static string RedactLiteralBody(string keyword, string literal)
    {
        var closed = literal.Length >= 2 && literal[^1] == '\'';
        var close = closed ? "'" : "";
        if (!keyword.Equals("CREDENTIALS", StringComparison.OrdinalIgnoreCase))
        {
            return "'" + Mask + close;
        }

        // 'aws_access_key_id=…;aws_secret_access_key=…' or 'aws_iam_role=arn:…': mask values, keep the role.
        var inner = literal[1..(closed ? ^1 : ^0)];
        var parts = inner.Split(';');
        var result = new StringBuilder("'");
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0)
            {
                result.Append(';');
            }

            var part = parts[i];
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                result.Append(part.Trim().Length == 0 ? part : Mask);
                continue;
            }

            var key = part[..equals];
            result.Append(key).Append('=');
            result.Append(key.Trim().Equals("aws_iam_role", StringComparison.OrdinalIgnoreCase) && !part.Contains('\\', StringComparison.Ordinal) && !part.Contains("''", StringComparison.Ordinal)
                ? part[(equals + 1)..]
                : Mask);
        }

        return result.Append(close).ToString();
    }

    // A keyword, an optional AS or '=', then a quoted literal: '' and \' stay inside it (Redshift accepts both); an
    // unterminated literal (a truncated error text) runs to the end.
    [GeneratedRegex(
        """(?<keyword>(?<![A-Za-z0-9_$])(?:CREDENTIALS|ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PASSWORD|MASTER_SYMMETRIC_KEY)(?![A-Za-z0-9_$]))(?<separator>\s*(?:AS\s+|=\s*)?)(?<literal>'(?:[^'\\]|''|\\.)*(?:'|\z))""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.ExplicitCapture,
        TimeoutMilliseconds)]
    private static partial Regex KeywordLiteral();

    // key=value inside credential strings, connection strings and URLs; the value ends at ; ' " & , white space.
    [GeneratedRegex(
        """(?<key>(?<![A-Za-z0-9_])(?:aws_access_key_id|aws_secret_access_key|aws_session_token|token|password|secret|master_symmetric_key))(?<equals>\s*=\s*)(?!\*\*\*)[^;'"&,\s]+""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture,
        TimeoutMilliseconds)]
    private static partial Regex KeyValue();
}
