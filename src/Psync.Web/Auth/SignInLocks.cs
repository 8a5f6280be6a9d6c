using System.Net;

namespace Psync.Web.Auth;

/// <summary>The verdict of <see cref="SignInLocks.TryBegin"/>.</summary>
public enum SignInGate
{
    /// <summary>Check the password, then call <see cref="SignInLocks.End"/>.</summary>
    Proceed,

    /// <summary>This name is locked for this address: do not check the password.</summary>
    Locked,
}

/// <summary>
/// Failed sign-ins per (user name, source address). A lock holds only for the address that failed, so
/// guesses from one address never keep the right password out from another; every address is also
/// throttled before it gets here (the rate limiter). Unknown names are counted like known ones, so
/// the answers do not tell which names exist. A password check holds a slot from
/// <see cref="TryBegin"/> to <see cref="End"/>: parallel guesses cannot check more passwords than
/// the limit between two locks.
/// </summary>
public sealed class SignInLocks(Microsoft.Extensions.Options.IOptions<AuthOptions> options, TimeProvider clock)
{
    private const int MaxEntries = 100_000;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Name, string Address), Entry> _entries = [];

    public static string AddressOf(IPAddress? address) => address is null ? "unknown" : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();

    /// <summary>Takes a slot for one password check, unless the name is locked (or all slots are taken) for this address.</summary>
    public SignInGate TryBegin(string userName, string address, out DateTimeOffset lockedUntil)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            var key = (userName.ToLowerInvariant(), address);
            if (!_entries.TryGetValue(key, out var entry))
            {
                Prune(now);
                entry = _entries[key] = new Entry();
            }
            if (entry.InFlight == 0 && entry.LockedUntil <= now && now - entry.LastSeen > options.Value.Lockout)
            {
                // Failures long ago do not add up with today's.
                entry.Failures = 0;
            }
            if (entry.LockedUntil > now)
            {
                lockedUntil = entry.LockedUntil;
                return SignInGate.Locked;
            }
            if (entry.Failures + entry.InFlight >= options.Value.MaxFailedLogins)
            {
                // The checks in flight may all fail: no more until they are done.
                lockedUntil = now + options.Value.Lockout;
                return SignInGate.Locked;
            }
            entry.InFlight++;
            entry.LastSeen = now;
            lockedUntil = default;
            return SignInGate.Proceed;
        }
    }

    /// <summary>Returns the slot. A success clears the count; a failure counts, and the last allowed one locks.</summary>
    /// <returns>When the name is now locked for this address, until when.</returns>
    public DateTimeOffset? End(string userName, string address, bool succeeded)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            var key = (userName.ToLowerInvariant(), address);
            if (!_entries.TryGetValue(key, out var entry))
            {
                return null;
            }
            entry.InFlight--;
            entry.LastSeen = now;
            if (succeeded)
            {
                entry.Failures = 0;
                RemoveIfIdle(key, entry);
                return null;
            }
            if (++entry.Failures < options.Value.MaxFailedLogins)
            {
                return null;
            }
            entry.Failures = 0;
            entry.LockedUntil = now + options.Value.Lockout;
            return entry.LockedUntil;
        }
    }

    /// <summary>A new password lifts every lock on the name.</summary>
    public void Clear(string userName)
    {
        var name = userName.ToLowerInvariant();
        lock (_lock)
        {
            foreach (var key in _entries.Keys.Where(k => k.Name == name).ToList())
            {
                _entries.Remove(key);
            }
        }
    }

    private void RemoveIfIdle((string, string) key, Entry entry)
    {
        if (entry is { InFlight: 0, Failures: 0 } && entry.LockedUntil <= clock.GetUtcNow())
        {
            _entries.Remove(key);
        }
    }

    /// <summary>Forgets entries that neither lock nor count any more, so many addresses cannot grow the table for ever.</summary>
    private void Prune(DateTimeOffset now)
    {
        if (_entries.Count < MaxEntries)
        {
            return;
        }
        var window = options.Value.Lockout;
        foreach (var (key, entry) in _entries.Where(e => e.Value.InFlight == 0 && e.Value.LockedUntil <= now && now - e.Value.LastSeen > window).ToList())
        {
            _entries.Remove(key);
        }
    }

    private sealed class Entry
    {
        public int Failures { get; set; }

        public int InFlight { get; set; }

        public DateTimeOffset LockedUntil { get; set; }

        public DateTimeOffset LastSeen { get; set; }
    }
}
