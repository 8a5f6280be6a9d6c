using Psync.Engine.Agents;
using Psync.Engine.Sync;
using Psync.Protocol;

namespace Psync.Engine.Check;

/// <summary>
/// Compares two trees on this host, as the sync sees them: one agent per root scans its tree in
/// <see cref="PathOrder"/>, both scans run at once, and the two streams are merge-joined, so
/// neither tree is held in memory.
/// </summary>
public static class TreeComparer
{
    /// <summary>Compares <paramref name="leftRoot"/> with <paramref name="rightRoot"/>.</summary>
    /// <exception cref="CheckException">A root is missing, an agent failed, or a pattern is invalid.</exception>
    public static async Task<CheckReport> CompareAsync(string leftRoot, string rightRoot, CheckOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(leftRoot);
        ArgumentNullException.ThrowIfNull(rightRoot);
        ArgumentNullException.ThrowIfNull(options);
        ValidatePatterns(options.Excludes);
        ValidatePatterns(options.Tempfiles);
        var agentPath = LocateAgent(options);
        var agents = new List<CheckAgent>();
        try
        {
            var left = CheckAgent.Start(agentPath, leftRoot, "left", agents);
            var right = CheckAgent.Start(agentPath, rightRoot, "right", agents);
            await Task.WhenAll(left.HelloAsync(options.StartTimeout, ct), right.HelloAsync(options.StartTimeout, ct)).ConfigureAwait(false);
            await left.Connection.ConfigureAsync(options.Excludes, options.Tempfiles, ct, options.Xattrs).ConfigureAwait(false);
            await right.Connection.ConfigureAsync(options.Excludes, options.Tempfiles, ct, options.Xattrs).ConfigureAwait(false);

            ContentChecker? content = null;
            if (options.Checksum)
            {
                // Hashes go to agents of their own: an operation must not wait on a connection
                // whose scan is open, and this way hashing overlaps the scans.
                var hashLeft = CheckAgent.Start(agentPath, leftRoot, "left", agents);
                var hashRight = CheckAgent.Start(agentPath, rightRoot, "right", agents);
                await Task.WhenAll(hashLeft.HelloAsync(options.StartTimeout, ct), hashRight.HelloAsync(options.StartTimeout, ct)).ConfigureAwait(false);
                content = new ContentChecker(hashLeft.Connection, hashRight.Connection, ct);
            }

            return await CompareAsync(left, right, content, ct).ConfigureAwait(false);
        }
        catch (AgentException e)
        {
            throw new CheckException(e.Message, e);
        }
        finally
        {
            foreach (var agent in agents)
            {
                await agent.Connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Compares the trees behind two agents that already run and are configured (a running pair's,
    /// local or over ssh), by kind, size, mtime, mode and link target, without content hashes.
    /// </summary>
    /// <exception cref="CheckException">An agent failed or went away.</exception>
    internal static Task<CheckReport> CompareAsync(AgentConnection left, string leftRoot, AgentConnection right, string rightRoot, CancellationToken ct) =>
        CompareAsync(CheckAgent.Of(left, leftRoot, "left"), CheckAgent.Of(right, rightRoot, "right"), null, ct);

    private static async Task<CheckReport> CompareAsync(CheckAgent left, CheckAgent right, ContentChecker? content, CancellationToken ct)
    {
        var merge = new TreeMerge(content);
        var leftSummary = new ScanSummary();
        var rightSummary = new ScanSummary();
        await MergeScansAsync(left, right, leftSummary, rightSummary, merge, ct).ConfigureAwait(false);
        var found = merge.Finish();
        if (content is not null)
        {
            found.AddRange(await content.FinishAsync().ConfigureAwait(false));
        }
        found.AddRange(leftSummary.Unreadable.Select(p => new Difference(p, DifferenceKind.Unreadable, "its contents could not be read on the left")));
        found.AddRange(rightSummary.Unreadable.Select(p => new Difference(p, DifferenceKind.Unreadable, "its contents could not be read on the right")));
        var ordered = found.OrderBy(d => d.Path, PathOrder.Instance).ThenBy(d => d.Kind).ToList();
        return new CheckReport(ordered, merge.LeftCount, merge.RightCount);
    }

    private static async Task MergeScansAsync(
        CheckAgent left, CheckAgent right, ScanSummary leftSummary, ScanSummary rightSummary, TreeMerge merge, CancellationToken ct)
    {
        var leftScan = left.ScanAsync(leftSummary, ct).GetAsyncEnumerator(ct);
        await using var leftDispose = leftScan.ConfigureAwait(false);
        var rightScan = right.ScanAsync(rightSummary, ct).GetAsyncEnumerator(ct);
        await using var rightDispose = rightScan.ConfigureAwait(false);
        var join = await ScanJoin.StartAsync(leftScan, rightScan).ConfigureAwait(false);
        while (await join.NextAsync().ConfigureAwait(false) is { } row)
        {
            if (row.Right is null)
            {
                merge.OnlyOn(Side.Left, row.Left!);
            }
            else if (row.Left is null)
            {
                merge.OnlyOn(Side.Right, row.Right);
            }
            else
            {
                await merge.BothAsync(row.Left, row.Right, ct).ConfigureAwait(false);
            }
        }
    }

    private static void ValidatePatterns(IReadOnlyList<string> patterns)
    {
        foreach (var pattern in patterns)
        {
            if (PathPatterns.Problem(pattern) is { } problem)
            {
                throw new CheckException(problem);
            }
        }
    }

    private static string LocateAgent(CheckOptions options)
    {
        try
        {
            return LocalAgent.Locate(options.AgentPath);
        }
        catch (AgentException e)
        {
            throw new CheckException(e.Message, e);
        }
    }

    /// <summary>One agent serving one root: a process started for the check, with the last line it wrote to stderr (for error messages), or a running pair's.</summary>
    private sealed class CheckAgent(string root, string side)
    {
        private readonly string _root = root;
        private readonly string _side = side;
        private string? _lastError;

        public AgentConnection Connection { get; private set; } = null!;

        public static CheckAgent Of(AgentConnection connection, string root, string side) => new(root, side) { Connection = connection };

        public static CheckAgent Start(string agentPath, string root, string side, List<CheckAgent> started)
        {
            try
            {
                var agent = new CheckAgent(root, side);
                agent.Connection = LocalAgent.Start(agentPath, root, line => Volatile.Write(ref agent._lastError, line), readOnly: true);
                started.Add(agent);
                return agent;
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or UnauthorizedAccessException)
            {
                throw new CheckException($"cannot start {agentPath}: {e.Message}", e);
            }
        }

        public async Task HelloAsync(TimeSpan timeout, CancellationToken ct)
        {
            Hello hello;
            try
            {
                hello = await Connection.HelloAsync(timeout, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is AgentException or TimeoutException)
            {
                throw new CheckException($"the agent for the {_side} tree {PathCodec.Display(_root)} did not start: {Explain(e)}", e);
            }
            if (hello.Protocol != Message.ProtocolVersion)
            {
                throw new CheckException($"the agent for the {_side} tree speaks protocol {hello.Protocol}, not {Message.ProtocolVersion}");
            }
            if (!hello.RootExists)
            {
                throw new CheckException($"the {_side} tree {PathCodec.Display(_root)} does not exist or is not a readable directory");
            }
        }

        /// <summary>The agent's scan; a failure names the side (and what the agent said).</summary>
        public async IAsyncEnumerable<ScanEntry> ScanAsync(ScanSummary summary, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            await using var scan = Connection.ScanAsync(summary, ct).GetAsyncEnumerator(ct);
            while (true)
            {
                bool more;
                try
                {
                    more = await scan.MoveNextAsync().ConfigureAwait(false);
                }
                catch (AgentException e)
                {
                    throw new CheckException($"{_side} tree {PathCodec.Display(_root)}: {Explain(e)}", e);
                }
                if (!more)
                {
                    yield break;
                }
                yield return scan.Current;
            }
        }

        private string Explain(Exception e) =>
            Volatile.Read(ref _lastError) is { } said ? $"{e.Message} (agent: {said})" : e.Message;
    }
}
