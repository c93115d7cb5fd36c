using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace RedshiftDataEmulator.Protocol.Operations;

/// <summary>An operation with a typed request and response, (de)serialised by <see cref="Model.DataApiJsonContext"/>.</summary>
internal abstract class DataApiOperation<TRequest, TResponse>(JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType)
    : IDataApiOperation
    where TRequest : class, new()
{
    public abstract string Name { get; }

    public async Task<byte[]> InvokeAsync(byte[] body, CancellationToken cancellationToken)
    {
        var request = RequestReader.Read(body, requestType);
        var response = await HandleAsync(request, cancellationToken);
        return JsonSerializer.SerializeToUtf8Bytes(response, responseType);
    }

    protected abstract Task<TResponse> HandleAsync(TRequest request, CancellationToken cancellationToken);
}
