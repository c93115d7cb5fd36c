using System.Security.Cryptography;
using RedshiftDataEmulator.Protocol;

namespace RedshiftDataEmulator.Faults;

/// <summary>Holds the current <see cref="FaultSettings"/> and applies them to a Data API call.</summary>
internal sealed class FaultInjector(TimeProvider timeProvider)
{
    private FaultSettings _settings = FaultSettings.None;

    public FaultSettings Settings
    {
        get => Volatile.Read(ref _settings);
        set => Volatile.Write(ref _settings, value);
    }

    /// <summary>Waits the configured latency, then throws the configured throttling or server error, if drawn.</summary>
    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        var settings = Settings;
        if (settings.LatencyMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(settings.LatencyMs), timeProvider, cancellationToken);
        }

        if (settings.ThrottleRate > 0 && Draw() < settings.ThrottleRate)
        {
            throw new ApiException(400, "ThrottlingException", "Rate exceeded");
        }

        if (settings.ErrorRate > 0 && Draw() < settings.ErrorRate)
        {
            throw new ApiException(500, "InternalServerException", "Internal server error (injected by the emulator)");
        }
    }

    private static double Draw() => RandomNumberGenerator.GetInt32(1_000_000) / 1_000_000d;
}
