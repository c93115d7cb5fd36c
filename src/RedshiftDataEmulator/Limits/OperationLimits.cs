namespace RedshiftDataEmulator.Limits;

/// <summary>Calls of one Data API operation, in <c>GET /_emulator/limits</c>.</summary>
/// <param name="Operation">The operation, e.g. <c>ExecuteStatement</c>.</param>
/// <param name="Quota">Calls per second allowed (Emulator:Quotas:&lt;Operation&gt;); 0 = not limited.</param>
/// <param name="Calls">Calls admitted.</param>
/// <param name="Throttled">Calls answered ThrottlingException by the quota.</param>
/// <param name="PeakCallsPerSecond">The most calls admitted within one second of the emulator's clock.</param>
public sealed record OperationLimits(string Operation, int Quota, long Calls, long Throttled, int PeakCallsPerSecond);
