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
/// What is replaced by <see cref="Mask"/> (the forms are listed, with examples, in the tests' corpus
/// <c>tests/Scheduler.Tests/Security/secret-forms.txt</c>):
/// <list type="bullet">
/// <item>the quoted literal after <c>CREDENTIALS</c>, <c>ACCESS_KEY_ID</c>, <c>SECRET_ACCESS_KEY</c>,
/// <c>SESSION_TOKEN</c>, <c>PASSWORD</c> and <c>MASTER_SYMMETRIC_KEY</c> (any case; <c>AS</c>, <c>=</c>, white space and
/// comments may stand between; an <c>E'…'</c> escape string too; <c>''</c> and <c>\'</c> inside the literal are
/// followed, and a literal cut short, even right after a backslash, is masked to the end). Inside a
/// <c>CREDENTIALS</c> literal made of <c>key=value</c> pairs only the values are masked, and <c>aws_iam_role</c> is
/// kept: a role ARN is not a secret and says which role failed.</item>
/// <item><c>key=value</c>, <c>key: value</c> and JSON <c>"key": "value"</c> pairs anywhere whose key names a credential
/// (<c>aws_secret_access_key</c>, <c>token</c>, <c>password</c>, <c>secret</c>, <c>api_key</c>…), the value bare or
/// quoted (error texts often quote a credential string without its keyword).</item>
/// <item>the password of a URL's user information (<c>scheme://user:password@host</c>).</item>
/// </list>
/// <c>IAM_ROLE 'arn:…'</c> is left as it is.
/// </remarks>
internal static partial class SecretRedactor
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Mask = "***";

    /// <summary>What the whole text becomes when it cannot be checked in time (pathological input).</summary>
    public const string Unreadable = "(text withheld: it could not be checked for credentials)";

    private const int TimeoutMilliseconds = 1000;

    private const int MinWholeValueLength = 4;

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
            var withoutPairs = KeyValue().Replace(withoutLiterals, static match =>
            {
                var value = match.Groups["value"].Value;
                var quote = value.Length > 0 && value[0] is '\'' or '"' ? value[0].ToString() : "";
                var closed = quote.Length > 0 && value.Length >= 2 && value[^1] == value[0] ? quote : "";
                return match.Groups["key"].Value + match.Groups["separator"].Value + quote + Mask + closed;
            });
            return UrlPassword().Replace(withoutPairs, static match => match.Groups["head"].Value + Mask + "@");
        }
        catch (RegexMatchTimeoutException)
        {
            return Unreadable;
        }
    }

    /// <summary>
    /// The text with every credential masked (as <see cref="Redact(string?)"/>) and also every value of a parameter
    /// whose name looks like a credential's (<see cref="SecretNames.IsSecret"/>): a warehouse error may quote a bound
    /// value (<c>invalid input syntax for type integer: "…"</c>) that no keyword announces.
    /// </summary>
    [return: NotNullIfNotNull(nameof(text))]
    public static string? Redact(string? text, IReadOnlyDictionary<string, string>? parameters)
    {
        var redacted = Redact(text);
        if (string.IsNullOrEmpty(redacted) || parameters is null)
        {
            return redacted;
        }

        // Longest first, so a value that contains another is masked whole.
        foreach (var value in parameters.Where(p => SecretNames.IsSecret(p.Key) && !string.IsNullOrEmpty(p.Value) && p.Value != Mask)
                     .Select(p => p.Value).Distinct(StringComparer.Ordinal).OrderByDescending(v => v.Length))
        {
            redacted = value.Length >= MinWholeValueLength
                ? redacted.Replace(value, Mask, StringComparison.Ordinal)
                // A very short value is masked only where it stands alone, so that "1" does not mask every digit.
                : Regex.Replace(redacted, $"(?<![A-Za-z0-9_]){Regex.Escape(value)}(?![A-Za-z0-9_])", Mask,
                    RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(TimeoutMilliseconds));
        }

        return redacted;
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

    // A keyword; white space, comments, AS or '='; an optional E (escape string); then a quoted literal: '' and \'
    // stay inside it (Redshift accepts both); an unterminated literal (a truncated error text) runs to the end, even
    // when it ends right after a backslash.
    [GeneratedRegex(
        """(?<keyword>(?<![A-Za-z0-9_$])(?:CREDENTIALS|ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PASSWORD|MASTER_SYMMETRIC_KEY)(?![A-Za-z0-9_$]))(?<separator>(?:\s|/\*.*?(?:\*/|\z)|--[^\n]*(?:\n|\z))*(?:(?:AS(?![A-Za-z0-9_$])|=)(?:\s|/\*.*?(?:\*/|\z)|--[^\n]*(?:\n|\z))*)?E?)(?<literal>'(?:[^'\\]|''|\\(?:.|\z))*(?:'|\z))""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.ExplicitCapture,
        TimeoutMilliseconds)]
    private static partial Regex KeywordLiteral();

    // key=value, key: value and "key": "value" inside credential strings, connection strings, URLs, JSON and YAML. The
    // value is a quoted string (to its closing quote, or the end of a cut text) or a bare word ending at ; ' " & , } or
    // white space. '::' (a cast) is not a separator.
    [GeneratedRegex(
        """(?<key>(?<![A-Za-z0-9_])["']?(?:aws_access_key_id|aws_secret_access_key|aws_session_token|secret_access_key|session_token|access_token|refresh_token|token|password|passwd|pwd|secret|client_secret|api_key|apikey|master_symmetric_key|private_key)["']?(?![A-Za-z0-9_]))(?<separator>\s*(?:=|:(?!:))\s*)(?<value>"(?:[^"\\]|\\(?:.|\z))*(?:"|\z)|'(?:[^'\\]|''|\\(?:.|\z))*(?:'|\z)|(?!\*\*\*)[^;'"&,}\s]+)""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.ExplicitCapture,
        TimeoutMilliseconds)]
    private static partial Regex KeyValue();

    // scheme://user:password@host: the password goes, the user and host stay (they say where it failed).
    [GeneratedRegex(
        """(?<head>(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s'"]*:)(?!\*\*\*@)[^@/\s'"]+@""",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture,
        TimeoutMilliseconds)]
    private static partial Regex UrlPassword();
}
