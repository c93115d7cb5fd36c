namespace RedshiftDataEmulator.Faults;

/// <summary>Faults injected into Data API calls, set through <c>POST /_emulator/faults</c>.</summary>
/// <param name="ThrottleRate">Share of calls answered 400 ThrottlingException (0..1).</param>
/// <param name="ErrorRate">Share of calls answered 500 InternalServerException (0..1).</param>
/// <param name="LatencyMs">Delay added before every call, in milliseconds.</param>
public sealed record FaultSettings(double ThrottleRate, double ErrorRate, int LatencyMs)
{
    /// <summary>No faults.</summary>
    public static FaultSettings None { get; } = new(0, 0, 0);
}
