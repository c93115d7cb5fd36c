using Scheduler.Sql;
using Scheduler.Runs;
using Scheduler.Security;

namespace Scheduler.Tests.Security;

public sealed class SecretRedactorTests
{
    [Theory]
    // Keyword and quoted literal, any case, with AS or = between
    [InlineData("copy t from 's3://b/k' credentials 'aws_access_key_id=AKIAXYZ;aws_secret_access_key=wJalrXUtn/K7MDENG' csv",
        "copy t from 's3://b/k' credentials 'aws_access_key_id=***;aws_secret_access_key=***' csv")]
    [InlineData("COPY t FROM 's3://b/k' CREDENTIALS AS 'aws_access_key_id=AKIAXYZ;aws_secret_access_key=wJalr;token=FQoGZX'",
        "COPY t FROM 's3://b/k' CREDENTIALS AS 'aws_access_key_id=***;aws_secret_access_key=***;token=***'")]
    [InlineData("copy t from 's3://b/k' ACCESS_KEY_ID 'AKIAXYZ' SECRET_ACCESS_KEY 'wJalr' SESSION_TOKEN 'FQoGZX'",
        "copy t from 's3://b/k' ACCESS_KEY_ID '***' SECRET_ACCESS_KEY '***' SESSION_TOKEN '***'")]
    [InlineData("unload ('select 1') to 's3://b/p' access_key_id='AKIAXYZ' secret_access_key = 'wJalr'",
        "unload ('select 1') to 's3://b/p' access_key_id='***' secret_access_key = '***'")]
    [InlineData("create user bob password 'Hunter2!'", "create user bob password '***'")]
    [InlineData("ALTER USER bob PASSWORD 'md5abc' VALID UNTIL 'infinity'", "ALTER USER bob PASSWORD '***' VALID UNTIL 'infinity'")]
    [InlineData("copy t from 's3://b/k' master_symmetric_key 'EXAMPLEKEY' encrypted", "copy t from 's3://b/k' master_symmetric_key '***' encrypted")]
    // Doubled quotes and backslash escapes stay inside the literal
    [InlineData("create user bob password 'it''s secret' connection limit 3", "create user bob password '***' connection limit 3")]
    [InlineData(@"create user bob password 'it\'s secret' connection limit 3", "create user bob password '***' connection limit 3")]
    // An unterminated literal (a truncated error text) is masked to the end
    [InlineData("ERROR: near credentials 'aws_access_key_id=AKIAXYZ;aws_secret_access_key=wJal", "ERROR: near credentials 'aws_access_key_id=***;aws_secret_access_key=***")]
    // Credential strings quoted without their keyword (error texts)
    [InlineData("ERROR: invalid input syntax for type integer: \"aws_access_key_id=AKIAXYZ;aws_secret_access_key=wJalr\"",
        "ERROR: invalid input syntax for type integer: \"aws_access_key_id=***;aws_secret_access_key=***\"")]
    [InlineData("S3ServiceException: AWS_SECRET_ACCESS_KEY=wJalr, token=FQoGZX", "S3ServiceException: AWS_SECRET_ACCESS_KEY=***, token=***")]
    [InlineData("Host=db;Username=app;Password=s3cr3t;Database=x", "Host=db;Username=app;Password=***;Database=x")]
    public void Redact_MasksTheSecret_WhenTextCarriesCredentials(string text, string expected) =>
        Assert.Equal(expected, SecretRedactor.Redact(text));

    [Theory]
    // Role ARNs are not secrets, and say which role failed
    [InlineData("copy t from 's3://b/k' iam_role 'arn:aws:iam::123456789012:role/Loader' csv")]
    [InlineData("copy t from 's3://b/k' IAM_ROLE default")]
    // Words that merely contain a keyword
    [InlineData("select password_reset_count, tokens from users where credentials_ok")]
    [InlineData("ERROR: division by zero")]
    [InlineData("")]
    public void Redact_LeavesTheText_WhenItHasNoSecret(string text) =>
        Assert.Equal(text, SecretRedactor.Redact(text));

    [Fact]
    public void Redact_KeepsTheRole_WhenCredentialsNameOnlyARole() =>
        Assert.Equal("copy t from 'x' credentials 'aws_iam_role=arn:aws:iam::123456789012:role/Loader'",
            SecretRedactor.Redact("copy t from 'x' credentials 'aws_iam_role=arn:aws:iam::123456789012:role/Loader'"));

    [Fact]
    public void Redact_IsIdempotent_WhenAppliedTwice()
    {
        var once = SecretRedactor.Redact("copy t from 'x' credentials 'aws_access_key_id=A;aws_secret_access_key=B' password 'p'");

        Assert.Equal(once, SecretRedactor.Redact(once));
    }

    [Fact]
    public void Redact_ReturnsNull_WhenTextIsNull() =>
        Assert.Null(SecretRedactor.Redact((string?)null));

    [Fact]
    public void Redact_MasksTheRunsErrorAndSubStatements_WhenGivenARun()
    {
        var run = new RunRecord
        {
            RunId = Guid.NewGuid(),
            Mart = "m",
            Trigger = RunTrigger.Manual,
            LogicalDate = DateTimeOffset.UnixEpoch,
            Status = RunStatus.Failed,
            StatementName = "scheduler/m/x",
            ClientToken = "x",
            CreatedAt = DateTimeOffset.UnixEpoch,
            DeadlineAt = DateTimeOffset.UnixEpoch,
            Error = "Statement 1 of 1 failed: boom\nSQL: copy t from 'x' credentials 'aws_secret_access_key=wJalr'",
            SubStatements = [new RunSubStatement(1, "copy t from 'x' secret_access_key 'wJalr'", "FAILED", 1, null, "ERROR: password 'wJalr'")],
        };

        var redacted = run.Redacted();

        Assert.DoesNotContain("wJalr", redacted.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("wJalr", redacted.SubStatements[0].Sql, StringComparison.Ordinal);
        Assert.DoesNotContain("wJalr", redacted.SubStatements[0].Error, StringComparison.Ordinal);
        Assert.Contains("wJalr", run.Error, StringComparison.Ordinal);
    }
}
