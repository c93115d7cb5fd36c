namespace Scheduler.Tests.Marts;

/// <summary>Waits for a condition by polling it; never measures elapsed time as a result.</summary>
internal static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> every 100 ms until it holds, or fails naming <paramref name="what"/>.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = TimeProvider.System.GetUtcNow() + (timeout ?? TimeSpan.FromSeconds(30));
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or Npgsql.NpgsqlException)
            {
                last = ex;
            }

            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                throw new Xunit.Sdk.XunitException($"Timed out waiting until {what}.{(last is null ? "" : " Last error: " + last.Message)}");
            }

            await Task.Delay(100);
        }
    }
}
