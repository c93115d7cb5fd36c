namespace RedshiftDataEmulator.Limits;

/// <summary>The body of <c>GET /_emulator/limits</c>.</summary>
/// <param name="MaxActiveStatements">Emulator:MaxActiveStatements (0 = off).</param>
/// <param name="Targets">Per workgroup or cluster: active, peak active, refused.</param>
/// <param name="Operations">Per operation called so far or given a quota: quota, calls, throttled, peak per second.</param>
public sealed record LimitsReport(int MaxActiveStatements, IReadOnlyList<TargetLimits> Targets, IReadOnlyList<OperationLimits> Operations);
