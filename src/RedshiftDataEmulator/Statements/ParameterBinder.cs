using System.Text;

namespace RedshiftDataEmulator.Statements;

/// <summary>
/// Rewrites the Data API's <c>:name</c> placeholders into PostgreSQL's <c>$n</c>, skipping quotes, comments and
/// dollar-quoted bodies (with Redshift's string rules: backslash escapes inside '...').
/// </summary>
internal static class ParameterBinder
{
    public static (string Sql, IReadOnlyList<string> Names) Rewrite(string sql, IReadOnlySet<string> known)
    {
        var builder = new StringBuilder(sql.Length);
        var names = new List<string>();
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c == '\'' || c == '"')
            {
                var end = i + 1;
                while (end < sql.Length)
                {
                    if (c == '\'' && sql[end] == '\\' && end + 1 < sql.Length)
                    {
                        end += 2;
                        continue;
                    }

                    if (sql[end] == c)
                    {
                        if (end + 1 < sql.Length && sql[end + 1] == c)
                        {
                            end += 2;
                            continue;
                        }

                        break;
                    }

                    end++;
                }

                end = Math.Min(end + 1, sql.Length);
                builder.Append(sql, i, end - i);
                i = end;
            }
            else if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                var end = sql.IndexOf('\n', i);
                end = end < 0 ? sql.Length : end;
                builder.Append(sql, i, end - i);
                i = end;
            }
            else if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                var depth = 1;
                var end = i + 2;
                while (end < sql.Length && depth > 0)
                {
                    if (sql[end] == '/' && end + 1 < sql.Length && sql[end + 1] == '*')
                    {
                        depth++;
                        end += 2;
                    }
                    else if (sql[end] == '*' && end + 1 < sql.Length && sql[end + 1] == '/')
                    {
                        depth--;
                        end += 2;
                    }
                    else
                    {
                        end++;
                    }
                }

                builder.Append(sql, i, end - i);
                i = end;
            }
            else if (c == '$' && TryDollarTag(sql, i, out var tag))
            {
                var close = sql.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                var end = close < 0 ? sql.Length : close + tag.Length;
                builder.Append(sql, i, end - i);
                i = end;
            }
            else if (c == ':' && i + 1 < sql.Length && sql[i + 1] == ':')
            {
                builder.Append("::");
                i += 2;
            }
            else if (c == ':' && i + 1 < sql.Length && (char.IsAsciiLetterOrDigit(sql[i + 1]) || sql[i + 1] == '_'))
            {
                var end = i + 1;
                while (end < sql.Length && (char.IsAsciiLetterOrDigit(sql[end]) || sql[end] == '_'))
                {
                    end++;
                }

                var name = sql[(i + 1)..end];
                if (known.Contains(name))
                {
                    var position = names.IndexOf(name);
                    if (position < 0)
                    {
                        names.Add(name);
                        position = names.Count - 1;
                    }

                    builder.Append('$').Append(position + 1);
                }
                else
                {
                    builder.Append(sql, i, end - i);
                }

                i = end;
            }
            else
            {
                builder.Append(c);
                i++;
            }
        }

        return (builder.ToString(), names);
    }

    private static bool TryDollarTag(string sql, int start, out string tag)
    {
        var end = start + 1;
        while (end < sql.Length && (char.IsAsciiLetterOrDigit(sql[end]) || sql[end] == '_'))
        {
            end++;
        }

        if (end < sql.Length && sql[end] == '$' && (end == start + 1 || !char.IsAsciiDigit(sql[start + 1])))
        {
            tag = sql[start..(end + 1)];
            return true;
        }

        tag = "";
        return false;
    }
}
