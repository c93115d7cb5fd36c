using Npgsql;

namespace RedshiftDataEmulator.Statements;

/// <summary>Connections for the emulator's own state (separate pool from the SQL it runs).</summary>
internal sealed class StateDataSource(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
