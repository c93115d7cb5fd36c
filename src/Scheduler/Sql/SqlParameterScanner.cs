namespace Scheduler.Sql;

/// <summary>
/// Finds the Data API's named parameters (<c>:name</c>) a statement uses, with the lexical rules of
/// <see cref="SqlStatementSplitter"/>: nothing inside a string, a quoted identifier, a comment or a dollar-quoted body
/// counts, and <c>::type</c> is a cast, not a parameter.
/// </summary>
/// <remarks>
/// A name starts with a letter or <c>_</c> (then letters, digits, <c>_</c>), so an array slice such as <c>a[1:2]</c>
/// is not taken for a parameter. Names are compared as written (the Data API's are case-sensitive).
/// </remarks>
internal static class SqlParameterScanner
{
    /// <summary>The distinct parameter names <paramref name="statement"/> uses, in order of first use.</summary>
    public static IReadOnlyList<string> Find(string statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var names = new List<string>();
        var s = statement;
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            switch (c)
            {
                case '\'':
                    i = SkipString(s, i + 1, backslashEscapes: !IsPrefixedLiteral(s, i));
                    break;
                case '"':
                    i = SkipQuoted(s, i + 1, '"');
                    break;
                case '-' when Next(s, i) == '-':
                    var lineEnd = s.IndexOf('\n', i);
                    i = lineEnd < 0 ? s.Length : lineEnd + 1;
                    break;
                case '/' when Next(s, i) == '*':
                    i = SkipBlockComment(s, i + 2);
                    break;
                case '$' when DollarTag(s, i) is { } tag:
                    var close = s.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                    i = close < 0 ? s.Length : close + tag.Length;
                    break;
                case ':' when Next(s, i) == ':':
                    i += 2;
                    while (i < s.Length && s[i] == ':')
                    {
                        i++;
                    }

                    break;
                case ':' when Next(s, i) is { } first && (char.IsAsciiLetter(first) || first == '_') && !IsIdentifierChar(Previous(s, i)):
                    var end = i + 1;
                    while (end < s.Length && IsIdentifierChar(s[end]))
                    {
                        end++;
                    }

                    var name = s[(i + 1)..end];
                    if (!names.Contains(name, StringComparer.Ordinal))
                    {
                        names.Add(name);
                    }

                    i = end;
                    break;
                default:
                    i++;
                    break;
            }
        }

        return names;
    }

    private static char? Next(string s, int i) => i + 1 < s.Length ? s[i + 1] : null;

    private static char? Previous(string s, int i) => i > 0 ? s[i - 1] : null;

    private static bool IsIdentifierChar(char? c) => c is { } ch && (char.IsAsciiLetterOrDigit(ch) || ch == '_' || ch == '$');

    /// <summary>B'…', X'…' and U&amp;'…' know only <c>''</c>; E'…' and plain strings also backslash escapes (Redshift).</summary>
    private static bool IsPrefixedLiteral(string s, int quote)
    {
        if (quote >= 2 && s[quote - 1] == '&' && (s[quote - 2] is 'u' or 'U'))
        {
            return !IsIdentifierChar(Previous(s, quote - 2));
        }

        return quote >= 1 && (s[quote - 1] is 'b' or 'B' or 'x' or 'X') && !IsIdentifierChar(Previous(s, quote - 1));
    }

    private static int SkipString(string s, int i, bool backslashEscapes)
    {
        while (i < s.Length)
        {
            if (backslashEscapes && s[i] == '\\')
            {
                i += 2;
            }
            else if (s[i] == '\'')
            {
                if (Next(s, i) != '\'')
                {
                    return i + 1;
                }

                i += 2;
            }
            else
            {
                i++;
            }
        }

        return s.Length;
    }

    private static int SkipQuoted(string s, int i, char quote)
    {
        while (i < s.Length)
        {
            if (s[i] == quote)
            {
                if (Next(s, i) != quote)
                {
                    return i + 1;
                }

                i += 2;
            }
            else
            {
                i++;
            }
        }

        return s.Length;
    }

    private static int SkipBlockComment(string s, int i)
    {
        var depth = 1;
        while (i < s.Length && depth > 0)
        {
            if (s[i] == '/' && Next(s, i) == '*')
            {
                depth++;
                i += 2;
            }
            else if (s[i] == '*' && Next(s, i) == '/')
            {
                depth--;
                i += 2;
            }
            else
            {
                i++;
            }
        }

        return i;
    }

    /// <summary><c>$$</c> or <c>$tag$</c> (a tag does not start with a digit; <c>$1</c> is a positional parameter).</summary>
    private static string? DollarTag(string s, int start)
    {
        if (IsIdentifierChar(Previous(s, start)))
        {
            return null; // part of an identifier such as a$b
        }

        var end = start + 1;
        while (end < s.Length && (char.IsAsciiLetterOrDigit(s[end]) || s[end] == '_'))
        {
            end++;
        }

        return end < s.Length && s[end] == '$' && (end == start + 1 || !char.IsAsciiDigit(s[start + 1])) ? s[start..(end + 1)] : null;
    }
}
