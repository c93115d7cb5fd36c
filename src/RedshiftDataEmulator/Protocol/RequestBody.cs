namespace RedshiftDataEmulator.Protocol;

/// <summary>Reads a request body up to a limit, refusing a larger one before (declared) or while (chunked) reading it.</summary>
internal static class RequestBody
{
    public static async Task<byte[]> ReadAsync(HttpRequest request, int maxBytes, string setting, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared && declared > maxBytes)
        {
            throw TooLarge($"{declared} bytes", maxBytes, setting);
        }

        using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 4096);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw TooLarge($"more than {maxBytes} bytes", maxBytes, setting);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static ApiException TooLarge(string size, int maxBytes, string setting) =>
        new(413, "RequestEntityTooLargeException",
            $"The request body is {size}; the Redshift Data API emulator accepts at most {maxBytes} bytes ({setting}).");
}
