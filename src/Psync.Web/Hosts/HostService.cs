using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Psync.Engine.Agents;
using Psync.Engine.Remote;
using Psync.Web.Audit;
using Psync.Web.Data;
using Psync.Web.Live;
using Psync.Web.Pairs;

namespace Psync.Web.Hosts;

/// <param name="Id">Its id.</param>
/// <param name="Name">A short name.</param>
/// <param name="Address">Host name or address.</param>
/// <param name="Port">The SSH port.</param>
/// <param name="User">The login there.</param>
/// <param name="PublicKey">The public half of a generated key, for the login's authorized_keys.</param>
/// <param name="HasKey">A private key is stored (encrypted).</param>
/// <param name="PinnedFingerprint">The SHA-256 fingerprint of the host key pinned for its address and port (whichever host entry trusted it), exactly as <c>ssh-keygen -lf</c> prints it; null until one is.</param>
/// <param name="HasPassphrase">The stored key has a passphrase (stored encrypted).</param>
/// <param name="Connection">How it is connected now, from the running pairs that use it.</param>
/// <param name="Pairs">The pairs that use it.</param>
public sealed record HostResource(int Id, string Name, string Address, int Port, string User, string? PublicKey, bool HasKey, string? PinnedFingerprint, bool HasPassphrase = false,
    HostConnectionResource? Connection = null, IReadOnlyList<HostPairResource>? Pairs = null);

/// <param name="Name">A short name.</param>
/// <param name="Address">Host name or address.</param>
/// <param name="Port">The SSH port (22).</param>
/// <param name="User">The login on the host.</param>
/// <param name="PrivateKey">An OpenSSH private key to use (stored encrypted); leave out to keep the current one.</param>
/// <param name="GenerateKey">Make a new ed25519 key; its public half is in the response, for the host's authorized_keys.</param>
/// <param name="Passphrase">The pasted key's passphrase, if it has one (stored encrypted, checked against the key); with no new key, a new passphrase for the current one.</param>
public sealed record HostRequest(string? Name, string? Address, int? Port = null, string? User = null, string? PrivateKey = null, bool GenerateKey = false, string? Passphrase = null);

/// <param name="Reachable">The host answered.</param>
/// <param name="Trusted">Its key is the pinned one and the login worked.</param>
/// <param name="Fingerprint">The SHA-256 fingerprint of the key the host presented.</param>
/// <param name="Message">What happened, in words.</param>
/// <param name="Facts">What the host is and has (OS, CPU, kernel, rsync, inotify limits), once logged in.</param>
/// <param name="Agent">The agent bundle a deploy would upload there (e.g. "linux-arm64, version …"), or why there is none.</param>
public sealed record HostTestResult(bool Reachable, bool Trusted, string? Fingerprint, string Message, HostFacts? Facts = null, string? Agent = null);

/// <param name="Fingerprint">The SHA-256 fingerprint the person checked (as shown by <c>test</c>).</param>
public sealed record TrustRequest(string? Fingerprint);

/// <summary>Right hosts: stored with their key encrypted, tested, trusted (host key pinned) and given the agent.</summary>
public sealed class HostService(IDbContextFactory<PsyncDb> dbs, KeyVault keys, DataFolder data, IOptions<EngineOptions> engine, TimeProvider clock, AuditLog audit, PairRunners runners)
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    public async Task<IReadOnlyList<HostResource>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var hosts = await db.Hosts.AsNoTracking().OrderBy(h => h.Name).ToListAsync(ct);
        var pairs = await PairsUsingAsync(db, null, ct);
        return [.. hosts.Select(h => ToResource(h, pairs[h.Id]))];
    }

    public async Task<HostResource?> GetAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Hosts.FindAsync([id], ct) is { } h ? ToResource(h, (await PairsUsingAsync(db, id, ct))[id]) : null;
    }

    /// <summary>The pairs that use each host (or the one host <paramref name="hostId"/>), by name.</summary>
    private static async Task<ILookup<int, HostPairResource>> PairsUsingAsync(PsyncDb db, int? hostId, CancellationToken ct) =>
        (await db.Pairs.AsNoTracking().Where(p => p.HostId != null && (hostId == null || p.HostId == hostId)).OrderBy(p => p.Name)
            .Select(p => new { HostId = p.HostId!.Value, p.Id, p.Name }).ToListAsync(ct))
        .ToLookup(p => p.HostId, p => new HostPairResource(p.Id, p.Name));

    public async Task<(HostResource? Host, Dictionary<string, string[]> Errors)> SaveAsync(int? id, HostRequest request, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var host = id is { } existing ? await db.Hosts.FindAsync([existing], ct) : null;
        if (id is not null && host is null)
        {
            return (null, []);
        }
        var errors = await ValidateAsync(request, id, db, ct);
        if (errors.Count == 0 && host is not null && string.IsNullOrWhiteSpace(request.PrivateKey) && !request.GenerateKey && !string.IsNullOrEmpty(request.Passphrase)
            && host.ProtectedPrivateKey is { } current && SshSession.KeyProblem(keys.Unprotect(current), request.Passphrase) is { } problem)
        {
            errors["passphrase"] = [problem];
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        var moved = host is not null && (host.Address != request.Address!.Trim() || host.Port != (request.Port ?? 22));
        host ??= db.Hosts.Add(new HostEntity { Name = "", Address = "", User = "", CreatedAt = clock.GetUtcNow() }).Entity;
        host.Name = request.Name!.Trim();
        host.Address = request.Address!.Trim();
        host.Port = request.Port ?? 22;
        host.User = request.User!.Trim();
        if (moved)
        {
            host.PinnedFingerprint = null; // another host: its key is confirmed anew
        }
        if (request.GenerateKey)
        {
            var (privateKey, publicKey) = await keys.GenerateAsync($"psync@{Environment.MachineName}", ct);
            host.ProtectedPrivateKey = keys.Protect(privateKey);
            host.PublicKey = publicKey;
            host.ProtectedPassphrase = null;
        }
        else if (!string.IsNullOrWhiteSpace(request.PrivateKey))
        {
            host.ProtectedPrivateKey = keys.Protect(request.PrivateKey);
            host.PublicKey = null;
            host.ProtectedPassphrase = string.IsNullOrEmpty(request.Passphrase) ? null : keys.Protect(request.Passphrase);
        }
        else if (!string.IsNullOrEmpty(request.Passphrase))
        {
            host.ProtectedPassphrase = keys.Protect(request.Passphrase);
        }
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(id is null ? AuditAction.HostCreated : AuditAction.HostEdited, Target(host),
            $"{host.User}@{host.Address}:{host.Port}{(request.GenerateKey ? ", key generated" : !string.IsNullOrWhiteSpace(request.PrivateKey) ? ", key pasted" : "")}");
        return (ToResource(host, (await PairsUsingAsync(db, host.Id, ct))[host.Id]), errors);
    }

    /// <exception cref="PairOperationException">A pair still uses the host.</exception>
    public async Task<bool> DeleteAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if ((await PairsUsingAsync(db, id, ct))[id].ToList() is { Count: > 0 } users)
        {
            throw new PairOperationException($"{(users.Count == 1 ? "the pair" : "the pairs")} {string.Join(", ", users.Select(p => $"'{p.Name}' (pair {p.Id})"))} {(users.Count == 1 ? "uses" : "use")} this host: delete {(users.Count == 1 ? "it" : "them")} or give {(users.Count == 1 ? "it" : "them")} another host first");
        }
        var name = await db.Hosts.Where(h => h.Id == id).Select(h => h.Name).SingleOrDefaultAsync(ct);
        var deleted = await db.Hosts.Where(h => h.Id == id).ExecuteDeleteAsync(ct) > 0;
        keys.Forget(id);
        if (deleted)
        {
            await audit.RecordAsync(AuditAction.HostDeleted, $"host {id} ({name})");
        }
        return deleted;
    }

    /// <summary>Connects and logs in; an unknown key is reported with its fingerprint for a person to confirm.</summary>
    public async Task<HostTestResult?> TestAsync(int id, CancellationToken ct = default)
    {
        if (await FindAsync(id, ct) is not { } host)
        {
            return null;
        }
        try
        {
            await using var session = await ConnectAsync(host, null, ct);
            var (facts, agent) = await InspectAsync(session, ct);
            return new HostTestResult(true, true, session.HostKeyFingerprint, $"logged in to {session.Address}; the host key is the pinned one", facts, agent);
        }
        catch (HostKeyException e) when (e.Problem == HostKeyProblem.Unknown)
        {
            return new HostTestResult(true, false, e.Fingerprint, $"{host.Address} presents a {e.KeyType} key with fingerprint {e.Fingerprint}. Check it on the host (ssh-keygen -lf /etc/ssh/ssh_host_{KeyName(e.KeyType)}_key.pub) and trust it if it matches.");
        }
        catch (HostKeyException e)
        {
            return new HostTestResult(true, false, e.Fingerprint, e.Message);
        }
        catch (Exception e) when (e is RemoteException or KeyFileException or InvalidOperationException)
        {
            return new HostTestResult(false, false, null, e.Message);
        }
    }

    /// <summary>What the host is, and which agent bundle would go there (or why none would).</summary>
    private async Task<(HostFacts? Facts, string Agent)> InspectAsync(SshSession session, CancellationToken ct)
    {
        AgentBundles bundles;
        try
        {
            bundles = await AgentBundles.LocateAsync(LocalAgent.Locate(engine.Value.AgentPath), ct);
        }
        catch (Exception e) when (e is DeployException or AgentException)
        {
            return (null, e.Message);
        }
        var facts = await new AgentDeployer(session, bundles).InspectAsync(null, ct);
        try
        {
            return (facts, $"{bundles.For(facts.Machine, session.Address.HostForDisplay).Runtime}, version {bundles.Version}");
        }
        catch (DeployException e)
        {
            return (facts, e.Message);
        }
    }

    /// <summary>Pins the host key whose fingerprint a person confirmed, then logs in with it.</summary>
    public async Task<HostTestResult?> TrustAsync(int id, string fingerprint, CancellationToken ct = default)
    {
        if (await FindAsync(id, ct) is not { } host)
        {
            return null;
        }
        var wanted = HostKeys.NormalizeFingerprint(fingerprint);
        HostTestResult result;
        try
        {
            await using var session = await ConnectAsync(host, wanted, ct);
            result = new HostTestResult(true, true, session.HostKeyFingerprint, $"trusted {session.HostKeyFingerprint} and logged in to {session.Address}");
        }
        catch (HostKeyException e)
        {
            result = new HostTestResult(true, false, e.Fingerprint, e.Problem == HostKeyProblem.Unknown
                ? $"the host presents {e.Fingerprint}, not {wanted}: nothing was trusted"
                : e.Message);
        }
        catch (Exception e) when (e is RemoteException or InvalidOperationException)
        {
            result = new HostTestResult(false, false, null, e.Message);
        }
        // The key is pinned during the key exchange, so it counts even when the login then failed.
        var pinned = new KnownHosts(data.KnownHosts).Get(host.Address, host.Port)?.Fingerprint;
        await using var db = await dbs.CreateDbContextAsync(ct);
        await db.Hosts.Where(h => h.Id == id).ExecuteUpdateAsync(s => s.SetProperty(h => h.PinnedFingerprint, pinned), ct);
        if (result.Trusted)
        {
            await audit.RecordAsync(AuditAction.HostTrusted, Target(host), result.Fingerprint ?? "");
        }
        return result;
    }

    /// <summary>Installs the agent on the host (or finds this exact version there), reporting each step.</summary>
    /// <exception cref="PairOperationException">The host cannot be reached, is not trusted, or lacks something the agent needs.</exception>
    public async Task<string> DeployAsync(int id, IProgress<string>? progress, CancellationToken ct = default)
    {
        var host = await FindAsync(id, ct) ?? throw new PairOperationException($"there is no host {id}", StatusCodes.Status404NotFound);
        try
        {
            progress?.Report($"connecting to {host.Address}");
            await using var session = await ConnectAsync(host, null, ct);
            var bundles = await AgentBundles.LocateAsync(LocalAgent.Locate(engine.Value.AgentPath), ct);
            var deployment = await new AgentDeployer(session, bundles).DeployAsync(".", progress, ct);
            var done = deployment.Uploaded
                ? $"installed agent {bundles.Version} ({deployment.Runtime}) at {deployment.AgentPath}"
                : $"agent {bundles.Version} ({deployment.Runtime}) already at {deployment.AgentPath}";
            await audit.RecordAsync(AuditAction.HostDeployed, Target(host), done);
            return done;
        }
        catch (Exception e) when (e is RemoteException or DeployException or HostKeyException or InvalidOperationException or AgentException)
        {
            await audit.RecordAsync(AuditAction.HostDeployed, Target(host), $"failed: {e.Message}");
            throw new PairOperationException(e.Message, StatusCodes.Status502BadGateway);
        }
    }

    private async Task<SshSession> ConnectAsync(HostEntity host, string? acceptFingerprint, CancellationToken ct)
    {
        // The session reads the key once, at connect; the decrypted file goes right after.
        using var key = keys.TemporaryKeyFile(host);
        var options = new SshSessionOptions
        {
            Address = new RemoteAddress(host.User, host.Address, host.Port),
            IdentityFile = key.Path,
            Passphrase = keys.Passphrase(host),
            AcceptFingerprint = acceptFingerprint,
            ConnectTimeout = ConnectTimeout,
        };
        return await SshSession.ConnectAsync(options, new KnownHosts(data.KnownHosts), ct);
    }

    private async Task<HostEntity?> FindAsync(int id, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Hosts.AsNoTracking().SingleOrDefaultAsync(h => h.Id == id, ct);
    }

    private static async Task<Dictionary<string, string[]>> ValidateAsync(HostRequest r, int? editing, PsyncDb db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = r.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100)
        {
            errors["name"] = ["A name of 1 to 100 characters is required."];
        }
        else if (await db.Hosts.AnyAsync(h => h.Name == name && h.Id != editing, ct))
        {
            errors["name"] = [$"A host named '{name}' exists."];
        }
        if (string.IsNullOrWhiteSpace(r.Address) || !RemoteAddress.TryParse($"u@{(r.Address.Contains(':', StringComparison.Ordinal) ? $"[{r.Address.Trim()}]" : r.Address.Trim())}", out _))
        {
            errors["address"] = ["A host name or IP address is required."];
        }
        if (r.Port is < 1 or > 65535)
        {
            errors["port"] = ["A port is 1 to 65535."];
        }
        if (string.IsNullOrWhiteSpace(r.User) || r.User.Any(c => char.IsWhiteSpace(c) || c is '@' or ':' or '\0'))
        {
            errors["user"] = ["A user name without spaces, '@' or ':' is required."];
        }
        if (!string.IsNullOrWhiteSpace(r.PrivateKey) && !r.PrivateKey.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            errors["privateKey"] = ["Paste an OpenSSH or PEM private key (-----BEGIN … PRIVATE KEY-----)."];
        }
        if (!string.IsNullOrWhiteSpace(r.PrivateKey) && r.GenerateKey)
        {
            errors["generateKey"] = ["Either paste a key or generate one, not both."];
        }
        else if (!string.IsNullOrWhiteSpace(r.PrivateKey) && !errors.ContainsKey("privateKey") && SshSession.KeyProblem(r.PrivateKey, r.Passphrase) is { } problem)
        {
            errors[problem.StartsWith("This key cannot", StringComparison.Ordinal) ? "privateKey" : "passphrase"] = [problem];
        }
        return errors;
    }

    private static string KeyName(string keyType) => keyType switch
    {
        "ssh-ed25519" => "ed25519",
        "ssh-rsa" => "rsa",
        _ => "ecdsa",
    };

    private static string Target(HostEntity host) => $"host {host.Id} ({host.Name})";

    /// <summary>
    /// The host as the API shows it. Its pinned fingerprint is the one key pinned for its address and port: a
    /// second entry for the same sshd is trusted by the first one's pin (SSH.NET and rsync check that one pin).
    /// </summary>
    private HostResource ToResource(HostEntity h, IEnumerable<HostPairResource> pairs)
    {
        var users = pairs.ToList();
        return new(h.Id, h.Name, h.Address, h.Port, h.User, h.PublicKey, h.ProtectedPrivateKey is not null, new KnownHosts(data.KnownHosts).Get(h.Address, h.Port)?.Fingerprint,
            h.ProtectedPassphrase is not null, HostLinks.Of(users, runners), users);
    }
}
