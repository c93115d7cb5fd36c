namespace RedshiftDataEmulator.Protocol.Operations;

/// <summary>WaitTimeSeconds (1–30), the long polling of Execute, BatchExecute, Describe and GetStatementResult(V2).</summary>
internal static class LongPolling
{
    public static TimeSpan? WaitTime(int? seconds)
    {
        if (seconds is null)
        {
            return null;
        }

        if (seconds is < 1 or > 30)
        {
            throw ApiException.Validation($"1 validation error detected: Value '{seconds}' at 'waitTimeSeconds' failed to satisfy constraint: Member must have value between 1 and 30");
        }

        return TimeSpan.FromSeconds(seconds.Value);
    }
}
