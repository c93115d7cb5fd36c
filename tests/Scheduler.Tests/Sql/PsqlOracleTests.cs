using System.Diagnostics;
using System.Text;
using Npgsql;
using Scheduler.Sql;
using Scheduler.Testing.Postgres;

namespace Scheduler.Tests.Sql;

/// <summary>
/// PostgreSQL's own client lexer as the oracle: psql runs each script with <c>-L</c> (which logs every query it sends,
/// between banners) and the queries it sent must equal our statements once comments are removed. The session runs
/// with <c>standard_conforming_strings = off</c>, so psql treats backslashes in ordinary strings as escapes, as
/// Redshift does.
/// </summary>
public sealed class PsqlOracleTests
{
    private const string QueryBanner = "********* QUERY **********\n";
    private const string EndBanner = "\n**************************\n\n";

    // Pieces that are valid for both psql and our splitter: no psql meta-commands (backslash outside quotes), no
    // :variables, balanced parentheses (psql does not split inside them), no BEGIN ATOMIC bodies.
    private static readonly string[] s_fragments =
    [
        "SELECT 1", "SELECT 'a;b'", "SELECT 'it''s;'", "SELECT 'it\\'s;'", "SELECT 'a\\\\'", "SELECT E'x\\';y'",
        "SELECT U&'d;a''t'", "SELECT X'1F''\\';'", "SELECT B'10'", "SELECT X'1F';", "SELECT x'1F'';'", "SELECT \"a;\"\"b\" FROM t",
        "SELECT 1 -- tail; ' \" $$", "/* lead; */ SELECT 2", "SELECT /* a /* b; */ c; */ 3", "SELECT $$a;b$$",
        "SELECT $fn$ a; $$ ; $x$ ;$fn$", "SELECT $_1$;$_1$", "PREPARE p AS SELECT $1", "SELECT a$b$c FROM t",
        "SELECT a$ FROM t", "SELECT 2 - 1", "SELECT 4 / 2", "SELECT (1 + 2) * 3", "SELECT 'café;'",
        "SELECT\r\n  1", "CREATE PROCEDURE p() AS $$\nBEGIN\n  INSERT INTO t VALUES (1);\nEND;\n$$ LANGUAGE plpgsql",
        "SELECT 'multi\nline;\nstring'", "SELECT 1::text", "SELECT ARRAY[1,2]", "SELECT $$$$",
    ];

    private static readonly string[] s_separators = [";", ";\n", " ;  ", ";\r\n", ";\n-- comment; here\n", ";\n/* c; */\n", ";;\n", "; /* only */ ;\n"];

    [Fact]
    public async Task Split_MatchesPsql_WhenScriptsAreGenerated()
    {
        var psql = FindPsql();
        var server = await PostgresServer.GetAsync();
        var connectionString = await server.CreateDatabaseAsync("psqloracle");
        var random = new Random(20261130);
        var scripts = new List<string>();
        for (var n = 0; n < 60; n++)
        {
            var script = new StringBuilder();
            var count = random.Next(1, 8);
            for (var k = 0; k < count; k++)
            {
                script.Append(s_fragments[random.Next(s_fragments.Length)]);
                script.Append(s_separators[random.Next(s_separators.Length)]);
            }

            scripts.Add(script.ToString());
        }

        scripts.Add(string.Join(";\n", s_fragments) + ";\n");

        // The hand-written cases too, except the BOM (psql sends it as part of the first query).
        scripts.AddRange(SqlStatementSplitterTests.ValidScripts.Select(row => (string)row[0]).Where(sql => !sql.StartsWith('\uFEFF')));

        var directory = Directory.CreateTempSubdirectory("psql-oracle-");
        try
        {
            foreach (var script in scripts)
            {
                var sent = await RunPsqlAsync(psql, connectionString, directory.FullName, script);

                var expected = sent.Select(Normalize).Where(s => s.Length > 0).ToList();
                var actual = SqlStatementSplitter.Split(script).Select(Normalize).ToList();

                Assert.True(expected.SequenceEqual(actual),
                    $"Script:\n{script}\npsql sent:\n{string.Join("\n---\n", expected)}\nwe split:\n{string.Join("\n---\n", actual)}");
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<List<string>> RunPsqlAsync(string psql, string connectionString, string directory, string script)
    {
        var file = Path.Combine(directory, "script.sql");
        var log = Path.Combine(directory, "psql.log");
        await File.WriteAllTextAsync(file, script, new UTF8Encoding(false));
        File.Delete(log);

        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(psql)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-X", "-q", "-o", "/dev/null", "-L", log, "-f", file })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PGHOST"] = builder.Host;
        start.Environment["PGPORT"] = builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PGUSER"] = builder.Username;
        start.Environment["PGDATABASE"] = builder.Database;
        start.Environment["PGCLIENTENCODING"] = "UTF8";
        start.Environment["PGOPTIONS"] = "-c standard_conforming_strings=off -c escape_string_warning=off -c client_min_messages=error";
        if (builder.Password is { } password)
        {
            start.Environment["PGPASSWORD"] = password;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var errors = await stderr;
        await stdout;
        Assert.True(File.Exists(log), $"psql wrote no log; exit {process.ExitCode}: {errors}");

        var text = await File.ReadAllTextAsync(log);
        var queries = new List<string>();
        var at = 0;
        while ((at = text.IndexOf(QueryBanner, at, StringComparison.Ordinal)) >= 0)
        {
            at += QueryBanner.Length;
            var end = text.IndexOf(EndBanner, at, StringComparison.Ordinal);
            Assert.True(end >= 0, "An unterminated query banner in psql's log.");
            queries.Add(text[at..end]);
            at = end + EndBanner.Length;
        }

        return queries;
    }

    // Removes comments and the statement's own terminating semicolon; psql drops leading "--" comments and keeps the
    // semicolon, we keep the comments and drop the semicolon. Deliberately a separate, simple lexer.
    private static string Normalize(string statement)
    {
        var output = new StringBuilder();
        var i = 0;
        while (i < statement.Length)
        {
            var c = statement[i];
            if (c == '-' && i + 1 < statement.Length && statement[i + 1] == '-')
            {
                while (i < statement.Length && statement[i] is not '\n' and not '\r')
                {
                    i++;
                }
            }
            else if (c == '/' && i + 1 < statement.Length && statement[i + 1] == '*')
            {
                var depth = 0;
                do
                {
                    if (statement.AsSpan(i).StartsWith("/*")) { depth++; i += 2; }
                    else if (statement.AsSpan(i).StartsWith("*/")) { depth--; i += 2; }
                    else { i++; }
                }
                while (depth > 0 && i < statement.Length);
            }
            else if (c is '\'' or '"')
            {
                var j = i + 1;
                while (j < statement.Length)
                {
                    if (c == '\'' && statement[j] == '\\') { j += 2; continue; }
                    if (statement[j] == c) { j++; if (j < statement.Length && statement[j] == c) { j++; continue; } break; }
                    j++;
                }

                output.Append(statement, i, j - i);
                i = j;
            }
            else if (c == '$' && (i == 0 || !(char.IsLetterOrDigit(statement[i - 1]) || statement[i - 1] is '_' or '$')))
            {
                var close = statement.IndexOf('$', i + 1);
                var tag = close > i ? statement[i..(close + 1)] : "$";
                if (tag.Length > 1 && (tag.Length == 2 || !char.IsDigit(tag[1])) && tag[1..^1].All(ch => char.IsLetterOrDigit(ch) || ch == '_'))
                {
                    var end = statement.IndexOf(tag, close + 1, StringComparison.Ordinal);
                    var stop = end < 0 ? statement.Length : end + tag.Length;
                    output.Append(statement, i, stop - i);
                    i = stop;
                }
                else
                {
                    output.Append(c);
                    i++;
                }
            }
            else
            {
                output.Append(c);
                i++;
            }
        }

        var result = output.ToString().Trim();
        if (result.EndsWith(';'))
        {
            result = result[..^1].TrimEnd();
        }

        return result;
    }

    private static string FindPsql()
    {
        foreach (var candidate in new[] { "/usr/bin/psql", "/usr/lib/postgresql/15/bin/psql" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "psql")).FirstOrDefault(File.Exists)
            : null;
        return bin ?? throw new InvalidOperationException("psql was not found (install postgresql-client).");
    }
}
