namespace Psync.Agent;

/// <summary>
/// Orders every state the agent reports. A change or scan entry takes its number just before its
/// lstat; an operation takes its number after it finished. So a change numbered above an
/// operation was read after that operation, and one numbered below may predate it.
/// </summary>
/// <remarks>
/// The watcher and the scans number states on threads of their own and send them later (after a
/// batch of lstats): they <see cref="Hold"/> a claim meanwhile, so that the <see cref="Horizon"/>
/// never passes a number not yet sent. Operations are numbered and answered on the request thread,
/// which is the one that reads the horizon.
/// </remarks>
internal sealed class Sequence
{
    private readonly Lock _lock = new();
    private readonly List<Claim> _claims = [];
    private long _value;

    public long Next() => Interlocked.Increment(ref _value);

    /// <summary>Every number below this has been sent, or was taken on the calling (request) thread and is queued.</summary>
    public long Horizon
    {
        get
        {
            lock (_lock)
            {
                var horizon = Volatile.Read(ref _value) + 1;
                foreach (var claim in _claims)
                {
                    horizon = Math.Min(horizon, claim.From);
                }
                return horizon;
            }
        }
    }

    /// <summary>Holds the horizon at the next number until the claim is disposed, after what was numbered under it has been sent.</summary>
    public Claim Hold()
    {
        lock (_lock)
        {
            var claim = new Claim(this, Volatile.Read(ref _value) + 1);
            _claims.Add(claim);
            return claim;
        }
    }

    internal sealed class Claim(Sequence sequence, long from) : IDisposable
    {
        public long From => from;

        public void Dispose()
        {
            lock (sequence._lock)
            {
                sequence._claims.Remove(this);
            }
        }
    }
}
