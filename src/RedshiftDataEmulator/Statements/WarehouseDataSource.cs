using Npgsql;

namespace RedshiftDataEmulator.Statements;

/// <summary>Connections that run the submitted SQL.</summary>
internal sealed class WarehouseDataSource(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
