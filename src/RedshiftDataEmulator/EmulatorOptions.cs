using System.ComponentModel.DataAnnotations;

namespace RedshiftDataEmulator;

/// <summary>Settings under <c>Emulator:*</c>.</summary>
public sealed class EmulatorOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Emulator";

    /// <summary>When set together with <see cref="SecretAccessKey"/>, every request's SigV4 signature is verified.</summary>
    public string? AccessKeyId { get; set; }

    /// <summary>
    /// Without keys the emulator refuses to start unless this is true; then it accepts unsigned requests (Data API and
    /// <c>/_emulator/*</c>), and only on loopback addresses. Default false.
    /// </summary>
    public bool AllowUnsigned { get; set; }

    /// <summary>The secret for <see cref="AccessKeyId"/>.</summary>
    public string? SecretAccessKey { get; set; }

    /// <summary>How long statement metadata and results are kept. Default 24 h, as on AWS.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan StatementRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a ClientToken maps to its statement. Default 8 h, as on AWS.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan ClientTokenRetention { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Rows per GetStatementResult page. Default 1000.</summary>
    [Range(1, 1_000_000)]
    public int ResultPageRows { get; set; } = 1000;

    /// <summary>Largest accepted SQL text per statement, in bytes (UTF-8). Default 100 KB, as on AWS.</summary>
    [Range(1, int.MaxValue)]
    public int MaxStatementBytes { get; set; } = 100 * 1024;

    /// <summary>Allowed difference between a request's X-Amz-Date and the emulator's clock. Default 5 min, as on AWS.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Largest accepted request body, in bytes. Default 8 MiB: a full batch (40 statements of 100 KB) with room for JSON
    /// escaping and parameters. Larger bodies are answered 413 before they are read.
    /// </summary>
    [Range(1024, int.MaxValue)]
    public int MaxRequestBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// Active (SUBMITTED, PICKED, STARTED) statements per workgroup or cluster before ExecuteStatement and
    /// BatchExecuteStatement answer ActiveStatementsExceededException. Default 200, as on AWS; 0 turns the cap off.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int MaxActiveStatements { get; set; } = 200;

    /// <summary>
    /// Calls per second per operation (key: the operation name, e.g. <c>ExecuteStatement</c>) before the call is
    /// answered ThrottlingException "Rate exceeded". An operation without an entry, or with 0, is not limited.
    /// </summary>
    public Dictionary<string, int> Quotas { get; } = new(StringComparer.Ordinal);

    /// <summary>The schema that holds the emulator's own state. Default <c>redshift_emulator</c>.</summary>
    [RegularExpression("^[a-z_][a-z0-9_]*$")]
    public string StateSchema { get; set; } = "redshift_emulator";

    /// <summary>True when signature checking is on.</summary>
    public bool VerifiesSignatures => !string.IsNullOrEmpty(AccessKeyId) && !string.IsNullOrEmpty(SecretAccessKey);
}
