using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Scheduler.Sql;

/// <summary>
/// Splits a SQL script into the statements of one <c>BatchExecuteStatement</c> call, with Redshift's lexical rules.
/// </summary>
/// <remarks>
/// <para>A semicolon ends a statement unless it is inside a string (<c>'…'</c> with <c>''</c> and backslash escapes,
/// because Redshift treats backslash as an escape character in ordinary strings; <c>E'…'</c>; <c>U&amp;'…'</c>,
/// <c>B'…'</c> and <c>X'…'</c>, which only know <c>''</c>), a quoted identifier (<c>"…"</c> with <c>""</c>), a
/// comment (<c>--</c> to the end of the line, or <c>/* */</c>, which nests) or a dollar-quoted body
/// (<c>$$…$$</c>, <c>$tag$…$tag$</c>; <c>$1</c> and identifiers containing <c>$</c> are not quotes).</para>
/// <para>Statements are returned as written, trimmed of surrounding white space, comments inside and before them
/// kept. Statements with nothing but white space and comments are dropped. A leading byte-order mark is ignored;
/// CRLF and LF line ends are both accepted and kept.</para>
/// </remarks>
internal static class SqlStatementSplitter
{
    private static readonly SearchValues<char> s_singleQuoteStops = SearchValues.Create("'\\");
    private static readonly SearchValues<char> s_blockCommentStops = SearchValues.Create("*/");
    private static readonly SearchValues<char> s_codeStops = SearchValues.Create(";'\"-/$");

    /// <summary>Splits <paramref name="sql"/> into statements.</summary>
    /// <param name="sql">The script.</param>
    /// <returns>The statements, in order, at least one.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sql"/> is null.</exception>
    /// <exception cref="SqlSplitException">Something is unterminated, or the script holds no statement.</exception>
    public static IReadOnlyList<string> Split(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var statements = SplitCore(sql, out var error);
        if (error is not null)
        {
            throw error;
        }

        return statements!;
    }

    /// <summary>Splits <paramref name="sql"/> into statements without throwing on invalid SQL.</summary>
    /// <param name="sql">The script.</param>
    /// <param name="statements">The statements when the script is valid; otherwise null.</param>
    /// <returns>True when the script is valid and holds at least one statement.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sql"/> is null.</exception>
    public static bool TrySplit(string sql, [NotNullWhen(true)] out IReadOnlyList<string>? statements)
    {
        ArgumentNullException.ThrowIfNull(sql);
        statements = SplitCore(sql, out _);
        return statements is not null;
    }

    private static List<string>? SplitCore(string sql, out SqlSplitException? error)
    {
        error = null;
        var text = sql.AsSpan();
        var offset = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        var statements = new List<string>();
        var start = offset;
        var hasCode = false;
        var i = offset;

        while (i < text.Length)
        {
            // Jump over ordinary code quickly; only these characters can change the lexical state.
            var next = text[i..].IndexOfAny(s_codeStops);
            if (next < 0)
            {
                if (!hasCode && !IsWhiteSpace(text[i..]))
                {
                    hasCode = true;
                }

                i = text.Length;
                break;
            }

            if (next > 0 && !hasCode && !IsWhiteSpace(text.Slice(i, next)))
            {
                hasCode = true;
            }

            i += next;
            var c = text[i];
            switch (c)
            {
                case ';':
                    AddStatement(sql, start, i, hasCode, statements);
                    i++;
                    start = i;
                    hasCode = false;
                    break;

                case '-':
                    if (i + 1 < text.Length && text[i + 1] == '-')
                    {
                        var end = text[i..].IndexOfAny('\n', '\r');
                        i = end < 0 ? text.Length : i + end;
                    }
                    else
                    {
                        hasCode = true;
                        i++;
                    }

                    break;

                case '/':
                    if (i + 1 < text.Length && text[i + 1] == '*')
                    {
                        var end = SkipBlockComment(text, i);
                        if (end < 0)
                        {
                            error = Error(text, offset, i, "Unterminated /* comment");
                            return null;
                        }

                        i = end;
                    }
                    else
                    {
                        hasCode = true;
                        i++;
                    }

                    break;

                case '"':
                    {
                        hasCode = true;
                        var end = SkipDoubled(text, i, '"');
                        if (end < 0)
                        {
                            error = Error(text, offset, i, "Unterminated quoted identifier");
                            return null;
                        }

                        i = end;
                        break;
                    }

                case '\'':
                    {
                        hasCode = true;
                        var end = QuoteKind(text, offset, i) switch
                        {
                            StringKind.Unicode => SkipDoubled(text, i, '\''),
                            // PostgreSQL ends a bit string at the next quote; a quote right after starts a new string.
                            StringKind.BitOrHex => SkipToQuote(text, i),
                            _ => SkipEscaped(text, i),
                        };
                        if (end < 0)
                        {
                            error = Error(text, offset, StringStart(text, offset, i), "Unterminated string literal");
                            return null;
                        }

                        i = end;
                        break;
                    }

                case '$':
                    {
                        hasCode = true;
                        var tagLength = DollarTagLength(text, offset, i);
                        if (tagLength < 0)
                        {
                            i++;
                            break;
                        }

                        var tag = text.Slice(i, tagLength);
                        var bodyEnd = text[(i + tagLength)..].IndexOf(tag, StringComparison.Ordinal);
                        if (bodyEnd < 0)
                        {
                            error = Error(text, offset, i, $"Unterminated dollar-quoted string {tag}");
                            return null;
                        }

                        i += tagLength + bodyEnd + tagLength;
                        break;
                    }

                default:
                    throw new UnreachableException();
            }
        }

        AddStatement(sql, start, text.Length, hasCode, statements);
        if (statements.Count == 0)
        {
            error = Error(text, offset, text.Length, "The script holds no SQL statement");
            return null;
        }

        return statements;
    }

    private static void AddStatement(string sql, int start, int end, bool hasCode, List<string> statements)
    {
        if (hasCode)
        {
            statements.Add(sql.AsSpan(start, end - start).Trim().ToString());
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsWhiteSpace(ReadOnlySpan<char> span) => span.IsWhiteSpace();

    // Returns the index after the comment that starts at `start` ("/*"), or -1 when it never ends. Comments nest.
    private static int SkipBlockComment(ReadOnlySpan<char> text, int start)
    {
        var depth = 1;
        var i = start + 2;
        while (true)
        {
            var next = text[i..].IndexOfAny(s_blockCommentStops);
            if (next < 0)
            {
                return -1;
            }

            i += next;
            if (i + 1 >= text.Length)
            {
                return -1;
            }

            if (text[i] == '*' && text[i + 1] == '/')
            {
                i += 2;
                if (--depth == 0)
                {
                    return i;
                }
            }
            else if (text[i] == '/' && text[i + 1] == '*')
            {
                depth++;
                i += 2;
            }
            else
            {
                i++;
            }
        }
    }

    // A quoted run where the quote is escaped only by doubling it ("…", U&'…', B'…', X'…').
    private static int SkipDoubled(ReadOnlySpan<char> text, int start, char quote)
    {
        var i = start + 1;
        while (true)
        {
            var next = text[i..].IndexOf(quote);
            if (next < 0)
            {
                return -1;
            }

            i += next + 1;
            if (i < text.Length && text[i] == quote)
            {
                i++;
                continue;
            }

            return i;
        }
    }

    // A string where both '' and a backslash escape the next character (Redshift's ordinary strings, and E'…').
    private static int SkipEscaped(ReadOnlySpan<char> text, int start)
    {
        var i = start + 1;
        while (true)
        {
            var next = text[i..].IndexOfAny(s_singleQuoteStops);
            if (next < 0)
            {
                return -1;
            }

            i += next;
            if (text[i] == '\\')
            {
                i += 2;
                if (i > text.Length)
                {
                    return -1;
                }

                continue;
            }

            i++;
            if (i < text.Length && text[i] == '\'')
            {
                i++;
                continue;
            }

            return i;
        }
    }

    // U&'…' knows only '', B'…' and X'…' no escape at all; everything else (plain, E'…', N'…') takes backslash
    // escapes in Redshift.
    private static StringKind QuoteKind(ReadOnlySpan<char> text, int offset, int quote)
    {
        if (quote - 1 < offset)
        {
            return StringKind.Escaped;
        }

        var p = text[quote - 1];
        if (p == '&')
        {
            return quote - 2 >= offset && (text[quote - 2] | 0x20) == 'u' && !IsIdentifierChar(text, offset, quote - 3)
                ? StringKind.Unicode
                : StringKind.Escaped;
        }

        if ((p | 0x20) is 'b' or 'x' && !IsIdentifierChar(text, offset, quote - 2))
        {
            return StringKind.BitOrHex;
        }

        return StringKind.Escaped;
    }

    private static int SkipToQuote(ReadOnlySpan<char> text, int start)
    {
        var next = text[(start + 1)..].IndexOf('\'');
        return next < 0 ? -1 : start + 1 + next + 1;
    }

    // Where the error for an unterminated string should point: at its prefix (E, U&, B, X) when it has one.
    private static int StringStart(ReadOnlySpan<char> text, int offset, int quote)
    {
        if (quote - 1 >= offset)
        {
            var p = text[quote - 1];
            if (p == '&' && quote - 2 >= offset && (text[quote - 2] | 0x20) == 'u' && !IsIdentifierChar(text, offset, quote - 3))
            {
                return quote - 2;
            }

            if ((p | 0x20) is 'b' or 'x' or 'e' or 'n' && !IsIdentifierChar(text, offset, quote - 2))
            {
                return quote - 1;
            }
        }

        return quote;
    }

    private static bool IsIdentifierChar(ReadOnlySpan<char> text, int offset, int index)
    {
        if (index < offset)
        {
            return false;
        }

        var c = text[index];
        return char.IsAsciiLetterOrDigit(c) || c == '_' || c == '$' || c >= '\u0080';
    }

    // The length of the opening "$tag$" at `start`, or -1 when this '$' is not a dollar quote: a parameter ($1),
    // part of an identifier (a$b) or a lone dollar sign.
    private static int DollarTagLength(ReadOnlySpan<char> text, int offset, int start)
    {
        if (IsIdentifierChar(text, offset, start - 1))
        {
            return -1;
        }

        var i = start + 1;
        if (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            return -1;
        }

        while (i < text.Length)
        {
            var c = text[i];
            if (c == '$')
            {
                return i - start + 1;
            }

            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c >= '\u0080'))
            {
                return -1;
            }

            i++;
        }

        return -1;
    }

    private enum StringKind
    {
        Escaped,
        Unicode,
        BitOrHex,
    }

    private static SqlSplitException Error(ReadOnlySpan<char> text, int offset, int index, string reason)
    {
        var line = 1;
        var lineStart = offset;
        for (var k = offset; k < index; k++)
        {
            var c = text[k];
            if (c == '\n' || (c == '\r' && (k + 1 >= text.Length || text[k + 1] != '\n')))
            {
                line++;
                lineStart = k + 1;
            }
        }

        // A CR of a CRLF pair is part of the line break, not a column.
        return new SqlSplitException(reason, line, index - lineStart + 1);
    }
}
