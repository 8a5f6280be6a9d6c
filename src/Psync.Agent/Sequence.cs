namespace Psync.Agent;

/// <summary>
/// Orders every state the agent reports. A change or scan entry takes its number just before its
/// lstat; an operation takes its number after it finished. So a change numbered above an
/// operation was read after that operation, and one numbered below may predate it.
/// </summary>
internal sealed class Sequence
{
    private long _value;

    public long Next() => Interlocked.Increment(ref _value);
}
