using Scheduler.Sql;

namespace Scheduler.Tests.Sql;

[Trait("Category", "Fast")]
public sealed class SqlStatementSplitterTests
{
    public static TheoryData<string, string[]> ValidScripts => new()
    {
        // Plain statements, white space and trailing semicolons.
        { "SELECT 1", ["SELECT 1"] },
        { "SELECT 1;", ["SELECT 1"] },
        { "  SELECT 1 ;  SELECT 2;\n", ["SELECT 1", "SELECT 2"] },
        { "SELECT 1;;;SELECT 2", ["SELECT 1", "SELECT 2"] },

        // Ordinary strings: '' and backslash escapes (Redshift), semicolons inside.
        { "SELECT 'a;b'; SELECT 2", ["SELECT 'a;b'", "SELECT 2"] },
        { "SELECT 'it''s;'; SELECT 2", ["SELECT 'it''s;'", "SELECT 2"] },
        { "SELECT 'it\\'s;'; SELECT 2", ["SELECT 'it\\'s;'", "SELECT 2"] },
        { "SELECT 'a\\\\'; SELECT 2", ["SELECT 'a\\\\'", "SELECT 2"] },
        { "SELECT '';SELECT ''''", ["SELECT ''", "SELECT ''''"] },
        { "SELECT N'a;b'; SELECT 2", ["SELECT N'a;b'", "SELECT 2"] },

        // E'...', U&'...', B'...', X'...'.
        { "SELECT E'a\\';b'; SELECT 2", ["SELECT E'a\\';b'", "SELECT 2"] },
        { "SELECT e'\\\\'; SELECT 2", ["SELECT e'\\\\'", "SELECT 2"] },
        { "SELECT U&'d\\0061t;a\\'; SELECT 2", ["SELECT U&'d\\0061t;a\\'", "SELECT 2"] },
        { "SELECT u&'a'';'; SELECT 2", ["SELECT u&'a'';'", "SELECT 2"] },
        { "SELECT B'10\\'; SELECT 2", ["SELECT B'10\\'", "SELECT 2"] },
        { "SELECT X'1F\\'; SELECT 2", ["SELECT X'1F\\'", "SELECT 2"] },
        { "SELECT x'1F'';'; SELECT 2", ["SELECT x'1F'';'", "SELECT 2"] },
        // A bit string ends at the next quote (no doubling, no escape); a quote right after opens an ordinary string.
        { "SELECT X'1F''\\';'; SELECT 2", ["SELECT X'1F''\\';'", "SELECT 2"] },
        // An identifier ending in b or x is not a prefix: backslash escapes again.
        { "SELECT tab'a\\';b'; SELECT 2", ["SELECT tab'a\\';b'", "SELECT 2"] },

        // Quoted identifiers with "".
        { "SELECT 1 AS \"a;b\"; SELECT 2", ["SELECT 1 AS \"a;b\"", "SELECT 2"] },
        { "SELECT 1 AS \"a\"\";\"; SELECT 2", ["SELECT 1 AS \"a\"\";\"", "SELECT 2"] },
        { "SELECT 1 AS \"a\\\"; SELECT 2", ["SELECT 1 AS \"a\\\"", "SELECT 2"] },
        { "SELECT 1 AS U&\"a;\"; SELECT 2", ["SELECT 1 AS U&\"a;\"", "SELECT 2"] },

        // Comments: -- to end of line, /* */ nested; semicolons and quotes inside do nothing.
        { "SELECT 1 -- no; split ' here\n; SELECT 2", ["SELECT 1 -- no; split ' here", "SELECT 2"] },
        { "SELECT 1 /* ; ' \" $$ */; SELECT 2", ["SELECT 1 /* ; ' \" $$ */", "SELECT 2"] },
        { "SELECT /* a /* b; */ c; */ 1; SELECT 2", ["SELECT /* a /* b; */ c; */ 1", "SELECT 2"] },
        { "SELECT 1 --", ["SELECT 1 --"] },
        { "SELECT 2 - 1; SELECT 4 / 2", ["SELECT 2 - 1", "SELECT 4 / 2"] },
        { "SELECT 1 -- a\r; SELECT 2", ["SELECT 1 -- a", "SELECT 2"] },

        // Leading comments stay with their statement (the emulator's sleep marker relies on it).
        { "/* emulator: sleep=3 */ SELECT 1; SELECT 2", ["/* emulator: sleep=3 */ SELECT 1", "SELECT 2"] },
        { "-- first\nSELECT 1", ["-- first\nSELECT 1"] },

        // Empty and comment-only statements are dropped.
        { "SELECT 1; -- done\n", ["SELECT 1"] },
        { "SELECT 1; /* a */ ; -- b\n; SELECT 2; /* c */", ["SELECT 1", "SELECT 2"] },

        // Dollar quoting: $$ and $tag$, not $1 nor identifiers holding $.
        { "SELECT $$a;b$$; SELECT 2", ["SELECT $$a;b$$", "SELECT 2"] },
        { "SELECT $fn$ a; $$ ; $x$ ;$fn$; SELECT 2", ["SELECT $fn$ a; $$ ; $x$ ;$fn$", "SELECT 2"] },
        { "SELECT $_a1$;$_a1$; SELECT 2", ["SELECT $_a1$;$_a1$", "SELECT 2"] },
        { "SELECT $$it's; -- /*$$; SELECT 2", ["SELECT $$it's; -- /*$$", "SELECT 2"] },
        { "PREPARE p AS SELECT $1;SELECT $2", ["PREPARE p AS SELECT $1", "SELECT $2"] },
        { "SELECT a$b$c FROM t; SELECT 2", ["SELECT a$b$c FROM t", "SELECT 2"] },
        { "SELECT a$ FROM t; SELECT $$x$$", ["SELECT a$ FROM t", "SELECT $$x$$"] },
        { "SELECT $1$a;b$a$; SELECT 2", ["SELECT $1$a", "b$a$", "SELECT 2"] },
        { "SELECT $ ; SELECT 2", ["SELECT $", "SELECT 2"] },
        { "CREATE PROCEDURE p() AS $$\nBEGIN\n  INSERT INTO t VALUES (1);\n  COMMIT;\nEND;\n$$ LANGUAGE plpgsql; CALL p()",
          ["CREATE PROCEDURE p() AS $$\nBEGIN\n  INSERT INTO t VALUES (1);\n  COMMIT;\nEND;\n$$ LANGUAGE plpgsql", "CALL p()"] },

        // BOM and CRLF: the BOM is dropped, line ends kept as written.
        { "\uFEFFSELECT 1;\r\nSELECT 2;\r\n", ["SELECT 1", "SELECT 2"] },
        { "SELECT\r\n  1;", ["SELECT\r\n  1"] },

        // Non-ASCII text.
        { "SELECT 'café;'; SELECT \"naïve\"", ["SELECT 'café;'", "SELECT \"naïve\""] },
    };

    [Theory]
    [MemberData(nameof(ValidScripts))]
    public void Split_ReturnsStatements_WhenScriptIsValid(string sql, string[] expected)
    {
        var statements = SqlStatementSplitter.Split(sql);

        Assert.Equal(expected, statements);
    }

    [Theory]
    [MemberData(nameof(ValidScripts))]
    public void TrySplit_ReturnsTrueAndStatements_WhenScriptIsValid(string sql, string[] expected)
    {
        var ok = SqlStatementSplitter.TrySplit(sql, out var statements);

        Assert.True(ok);
        Assert.Equal(expected, statements);
    }

    public static TheoryData<string, int, int, string> InvalidScripts => new()
    {
        // Unterminated strings: the position of the opening quote (or its prefix).
        { "SELECT 'abc", 1, 8, "Unterminated string literal" },
        { "SELECT 1;\nSELECT 'abc;\nSELECT 2;", 2, 8, "Unterminated string literal" },
        { "SELECT 'it\\'s", 1, 8, "Unterminated string literal" },
        { "SELECT 'abc\\", 1, 8, "Unterminated string literal" },
        { "SELECT E'abc\\'", 1, 8, "Unterminated string literal" },
        { "SELECT 1;\r\n  SELECT U&'abc", 2, 10, "Unterminated string literal" },
        { "SELECT X'1F", 1, 8, "Unterminated string literal" },
        { "SELECT B'", 1, 8, "Unterminated string literal" },

        // Unterminated identifiers and comments.
        { "SELECT 1 AS \"abc", 1, 13, "Unterminated quoted identifier" },
        { "SELECT 1 AS \"a\"\"", 1, 13, "Unterminated quoted identifier" },
        { "SELECT 1;\n\n  /* open", 3, 3, "Unterminated /* comment" },
        { "SELECT /* a /* b */ c", 1, 8, "Unterminated /* comment" },
        { "SELECT 1 /*", 1, 10, "Unterminated /* comment" },
        { "SELECT 1 /*/", 1, 10, "Unterminated /* comment" },

        // Unterminated dollar bodies.
        { "SELECT $$abc", 1, 8, "Unterminated dollar-quoted string $$" },
        { "SELECT\n $fn$ abc $$ $fn", 2, 2, "Unterminated dollar-quoted string $fn$" },

        // The BOM is not a column.
        { "\uFEFFSELECT 'a", 1, 8, "Unterminated string literal" },

        // No statement at all.
        { "", 1, 1, "no SQL statement" },
        { "  \n\t", 2, 2, "no SQL statement" },
        { "-- only a comment\n/* and another */ ; ;", 2, 22, "no SQL statement" },
        { "\uFEFF", 1, 1, "no SQL statement" },
    };

    [Theory]
    [MemberData(nameof(InvalidScripts))]
    public void Split_ThrowsWithLineAndColumn_WhenScriptIsInvalid(string sql, int line, int column, string reason)
    {
        var exception = Assert.Throws<SqlSplitException>(() => SqlStatementSplitter.Split(sql));

        Assert.Equal(line, exception.Line);
        Assert.Equal(column, exception.Column);
        Assert.Contains(reason, exception.Message, StringComparison.Ordinal);
        Assert.Contains($"Line {line}, column {column}", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(InvalidScripts))]
    public void TrySplit_ReturnsFalse_WhenScriptIsInvalid(string sql, int line, int column, string reason)
    {
        _ = (line, column, reason);

        var ok = SqlStatementSplitter.TrySplit(sql, out var statements);

        Assert.False(ok);
        Assert.Null(statements);
    }

    [Fact]
    public void Split_ThrowsArgumentNullException_WhenSqlIsNull()
    {
        Assert.Throws<ArgumentNullException>(() => SqlStatementSplitter.Split(null!));
    }

    [Fact]
    public void Split_KeepsEveryStatement_WhenScriptIsLarge()
    {
        var sql = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"INSERT INTO t VALUES ({i}, 'a;{i}', $$x;$$); -- c;\n"));

        var statements = SqlStatementSplitter.Split(sql);

        Assert.Equal(20_000, statements.Count);
        Assert.Equal("INSERT INTO t VALUES (0, 'a;0', $$x;$$)", statements[0]);
        Assert.Equal("-- c;\nINSERT INTO t VALUES (1, 'a;1', $$x;$$)", statements[1]);
    }
}
