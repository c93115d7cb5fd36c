using System.ComponentModel.DataAnnotations;

namespace RedshiftDataEmulator;

/// <summary>Settings under <c>Emulator:*</c>.</summary>
public sealed class EmulatorOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Emulator";

    /// <summary>When set together with <see cref="SecretAccessKey"/>, every request's SigV4 signature is verified.</summary>
    public string? AccessKeyId { get; set; }

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

    /// <summary>The schema that holds the emulator's own state. Default <c>redshift_emulator</c>.</summary>
    [RegularExpression("^[a-z_][a-z0-9_]*$")]
    public string StateSchema { get; set; } = "redshift_emulator";

    /// <summary>True when signature checking is on.</summary>
    public bool VerifiesSignatures => !string.IsNullOrEmpty(AccessKeyId) && !string.IsNullOrEmpty(SecretAccessKey);
}
