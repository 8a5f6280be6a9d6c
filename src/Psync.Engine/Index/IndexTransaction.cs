using Microsoft.Data.Sqlite;

namespace Psync.Engine.Index;

/// <summary>
/// A batch of writes to a <see cref="StateIndex"/> that lands as one SQLite transaction. Every
/// write made on the index while it is open joins it. Disposing it without
/// <see cref="Commit"/> rolls all of them back. One from <see cref="StateIndex.BeginRead"/> only reads.
/// </summary>
public sealed class IndexTransaction : IDisposable
{
    private readonly StateIndex _owner;
    private SqliteTransaction? _transaction;

    internal IndexTransaction(StateIndex owner, SqliteTransaction transaction, bool readOnly = false)
    {
        _owner = owner;
        _transaction = transaction;
        ReadOnly = readOnly;
    }

    /// <summary>Whether it only reads (<see cref="StateIndex.BeginRead"/>).</summary>
    internal bool ReadOnly { get; }

    internal SqliteTransaction? Inner => _transaction;

    /// <summary>Makes every write of the batch durable at once.</summary>
    /// <exception cref="InvalidOperationException">The batch was already committed or rolled back.</exception>
    public void Commit()
    {
        var transaction = _transaction ?? throw new InvalidOperationException("The index transaction has already been completed.");
        transaction.Commit();
        End(transaction);
    }

    /// <summary>Rolls back the batch unless it was committed.</summary>
    public void Dispose()
    {
        var transaction = _transaction;
        if (transaction is null)
        {
            return;
        }
        // SqliteTransaction.Dispose rolls back an uncompleted transaction on an open connection.
        End(transaction);
    }

    private void End(SqliteTransaction transaction)
    {
        _transaction = null;
        try
        {
            transaction.Dispose();
        }
        finally
        {
            _owner.EndTransaction(this);
        }
    }
}
