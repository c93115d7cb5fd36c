namespace Scheduler.Redshift;

/// <summary>
/// How <see cref="RedshiftDataClient"/> reaches the Data API, bound from the <c>Redshift</c> configuration section.
/// The per-mart target keys in the same section (<c>WorkgroupName</c>, <c>ClusterIdentifier</c>, ...) belong to the marts.
/// </summary>
internal sealed class RedshiftClientOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Redshift";

    /// <summary>AWS region, e.g. <c>eu-west-1</c>. Required unless <see cref="ServiceUrl"/> is set; with a ServiceUrl it is
    /// only the signing region (default <c>us-east-1</c>).</summary>
    public string? Region { get; set; }

    /// <summary>Endpoint override, e.g. the local emulator <c>http://127.0.0.1:4566</c>. Absolute http(s) URL.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Use the FIPS endpoint <c>redshift-data-fips.{region}</c>. Cannot be combined with <see cref="ServiceUrl"/>.</summary>
    public bool UseFips { get; set; }

    /// <summary>Attempts per call including the first, as the SDKs' standard retry mode. <value>Default 3.</value></summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How long one HTTP attempt may take. Must exceed 30 s, the longest long-polling wait.
    /// <value>Default 1 minute.</value></summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(1);
}
