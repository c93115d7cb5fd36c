namespace RedshiftDataEmulator.Protocol.Operations;

/// <summary>One Data API operation: its request body in, its response body out; failures as <see cref="ApiException"/>.</summary>
internal interface IDataApiOperation
{
    /// <summary>The operation's name, as in <c>X-Amz-Target: RedshiftData.&lt;Name&gt;</c>.</summary>
    string Name { get; }

    Task<byte[]> InvokeAsync(byte[] body, CancellationToken cancellationToken);
}
