using System.Text;
using Psync.Engine;
using Psync.Engine.Agents;
using Psync.Engine.Conflicts;
using Psync.Engine.Sync;
using Psync.Protocol;
using Psync.Web.Components.Shared;
using Psync.Web.Data;
using Psync.Web.Live;
using Psync.Web.Pairs;

namespace Psync.Web.Conflicts;

/// <summary>
/// What the conflict workbench (page and API) shows and does: both versions of a conflict side by side,
/// their contents read through the pair's agents (confined to the roots, bounded), and bulk resolution.
/// </summary>
public sealed class ConflictWorkbench(PairService pairs, PairRunners runners, DataFolder data, ILogger<ConflictWorkbench> log)
{
    /// <summary>The most conflicts one bulk resolve settles.</summary>
    public const int MaxBulk = 500;

    /// <summary>Texts up to this size (each side) are compared line by line.</summary>
    public const int TextLimit = 256 * 1024;

    /// <summary>Images up to this size are shown.</summary>
    public const int ImageLimit = ReadHeadOp.Limit;

    /// <summary>How many first bytes a hex dump shows.</summary>
    public const int HexBytes = 256;

    /// <summary>What is read first, to tell text, image and other apart.</summary>
    private const int Sniff = 4096;

    /// <returns>Null when the pair has no such conflict.</returns>
    public async Task<ConflictPreviewResource?> PreviewAsync(int pairId, long conflictId, CancellationToken ct = default)
    {
        var (owner, storeId) = ConflictResource.FromApiId(conflictId);
        if (owner != pairId || ConflictStore.Read(data.ForPair(pairId)).FirstOrDefault(c => c.Id == storeId) is not { } conflict)
        {
            return null;
        }
        var pair = runners.Get(pairId) is { Failure: null } runner ? runner.Pair : null;
        var left = await ReadAsync(pair, conflict, Side.Left, ct);
        var right = await ReadAsync(pair, conflict, Side.Right, ct);
        var bothExist = left.State.Exists && right.State.Exists;
        string? leftText = left.Text(), rightText = right.Text();
        var diff = leftText is not null && rightText is not null
            ? LineDiff.Hunks(LineDiff.Compare(LineDiff.Lines(leftText), LineDiff.Lines(rightText)))
            : null;
        return new ConflictPreviewResource(
            conflictId, pairId, PathCodec.Display(conflict.Path), conflict.Resolved, conflict.Time,
            Version(conflict, Side.Left, left, bothExist && left.State.MtimeNs > right.State.MtimeNs, diff is null),
            Version(conflict, Side.Right, right, bothExist && right.State.MtimeNs > left.State.MtimeNs, diff is null),
            diff is null ? PreviewLayout.Sides : PreviewLayout.Diff,
            diff,
            pair is null ? "The pair is not running: contents are read through its agents, so only what was recorded is shown." : null);
    }

    /// <summary>Settles each of <paramref name="ids"/> (conflicts of pair <paramref name="pairId"/>) as <paramref name="resolution"/> says, one after the other; each is audited.</summary>
    public async Task<IReadOnlyList<BulkResolveResult>> ResolveManyAsync(int pairId, IReadOnlyList<long> ids, ConflictResolution resolution, CancellationToken ct = default)
    {
        var results = new List<BulkResolveResult>(ids.Count);
        foreach (var id in ids.Distinct())
        {
            if (ConflictResource.FromApiId(id).PairId != pairId)
            {
                results.Add(new BulkResolveResult(id, "", false, $"conflict {id} is not one of pair {pairId}'s"));
                continue;
            }
            try
            {
                var resolved = await pairs.ResolveAsync(id, resolution, ct);
                results.Add(resolved is null
                    ? new BulkResolveResult(id, "", false, $"there is no conflict {id}")
                    : new BulkResolveResult(id, resolved.Path, resolved.Resolved, null));
            }
            catch (PairOperationException e)
            {
                results.Add(new BulkResolveResult(id, "", false, e.Message));
            }
        }
        return results;
    }

    private async Task<Read> ReadAsync(SyncPair? pair, ConflictRecord conflict, Side side, CancellationToken ct)
    {
        var recorded = side == Side.Left ? conflict.Left : conflict.Right;
        if (conflict.VersionPath(side) is not { } path)
        {
            return new Read(recorded, null, false, $"This version went to the {side.Name()} trash.");
        }
        if (recorded.Kind != EntryKind.File)
        {
            return new Read(recorded, null, false, null);
        }
        if (pair is null)
        {
            return new Read(recorded, null, false, "Not read: the pair is not running.");
        }
        try
        {
            var (state, head) = await pair.ReadHeadAsync(side, path, Sniff, ct);
            var complete = head.Length >= state.Size;
            if (!complete && ((ImageType(head) is not null && state.Size <= ImageLimit) || (!head.Contains((byte)0) && state.Size <= TextLimit)))
            {
                (state, head) = await pair.ReadHeadAsync(side, path, (int)state.Size, ct);
                complete = head.Length >= state.Size;
            }
            return new Read(state, head, complete, null);
        }
        catch (Exception e) when (e is InvalidOperationException or AgentException)
        {
            // The agent's words name paths and errno texts: logged, not shown.
            log.LogInformation("Conflict preview: {Side} {Path} could not be read: {Error}", side.Name(), PathCodec.Display(path), e.Message);
            return new Read(recorded, null, false, conflict.Resolved
                ? "Settled: this version is no longer kept apart (the one not kept is in the trash)."
                : "Cannot be read now: it changed, moved or went away since.");
        }
    }

    private static ConflictVersion Version(ConflictRecord conflict, Side side, Read read, bool newer, bool withPreview)
    {
        var recorded = side == Side.Left ? conflict.Left : conflict.Right;
        var state = read.State;
        return new ConflictVersion(
            side.Name(),
            conflict.VersionPath(side) is { } path ? PathCodec.Display(path) : null,
            state.Kind,
            state.Size,
            DateTimeOffset.UnixEpoch.AddTicks(state.MtimeNs / 100),
            Format.Permissions(state.Mode),
            state.Uid == FileState.NoOwner ? -1 : state.Uid,
            state.Gid == FileState.NoOwner ? -1 : state.Gid,
            state.LinkTarget,
            newer,
            side != conflict.Loser,
            read.Bytes is not null && !state.SameContent(recorded),
            withPreview ? Preview(read) : null);
    }

    private static ContentPreview Preview(Read read)
    {
        if (read.Bytes is not { } bytes)
        {
            return new ContentPreview(PreviewKind.None, Why: read.Why ?? read.State.Kind switch
            {
                EntryKind.Absent => "Deleted on this side.",
                EntryKind.Directory => "A directory.",
                EntryKind.Symlink => $"A symbolic link to {read.State.LinkTarget}.",
                _ => "Not a regular file.",
            });
        }
        if (read.Text() is { } text)
        {
            return new ContentPreview(PreviewKind.Text, Text: text);
        }
        if (read.Complete && ImageType(bytes) is { } type)
        {
            return new ContentPreview(PreviewKind.Image, DataUrl: $"data:{type};base64,{Convert.ToBase64String(bytes)}");
        }
        if (!read.Complete && ImageType(bytes) is null && !bytes.AsSpan().Contains((byte)0) && LooksLikeUtf8(bytes))
        {
            // Text too large to compare line by line: its beginning.
            return new ContentPreview(PreviewKind.Text, Text: Encoding.UTF8.GetString(bytes), Truncated: true);
        }
        return new ContentPreview(PreviewKind.Hex, Hex: HexDump(bytes.AsSpan(0, Math.Min(bytes.Length, HexBytes))), Truncated: read.State.Size > HexBytes);
    }

    /// <summary>The image's media type by its magic bytes (png, jpeg, gif, webp), or null.</summary>
    public static string? ImageType(ReadOnlySpan<byte> head) =>
        head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]) ? "image/png"
        : head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? "image/jpeg"
        : head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8) ? "image/gif"
        : head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8) ? "image/webp"
        : null;

    /// <summary><c>hexdump -C</c>'s layout: offset, sixteen bytes in hex, the printable ones as text.</summary>
    public static string HexDump(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        for (var offset = 0; offset < bytes.Length; offset += 16)
        {
            var row = bytes.Slice(offset, Math.Min(16, bytes.Length - offset));
            text.Append(offset.ToString("x8", System.Globalization.CultureInfo.InvariantCulture)).Append("  ");
            for (var i = 0; i < 16; i++)
            {
                text.Append(i < row.Length ? row[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture) + " " : "   ");
                if (i == 7)
                {
                    text.Append(' ');
                }
            }
            text.Append(" |");
            foreach (var b in row)
            {
                text.Append(b is >= 0x20 and < 0x7F ? (char)b : '.');
            }
            text.Append("|\n");
        }
        return text.ToString();
    }

    /// <summary>Valid UTF-8 but for a character cut off at the end of what was read.</summary>
    private static bool LooksLikeUtf8(byte[] bytes)
    {
        for (var cut = 0; cut < 4 && cut < bytes.Length; cut++)
        {
            if (System.Text.Unicode.Utf8.IsValid(bytes.AsSpan(0, bytes.Length - cut)))
            {
                return true;
            }
        }
        return false;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>A side's version as read (or as recorded, with <see cref="Why"/>, when it was not read).</summary>
    private sealed record Read(FileState State, byte[]? Bytes, bool Complete, string? Why)
    {
        /// <summary>The whole file as text: read completely, within the limit, valid UTF-8 without NUL; else null.</summary>
        public string? Text()
        {
            if (Bytes is not { } bytes || !Complete || bytes.Length > TextLimit || bytes.AsSpan().Contains((byte)0))
            {
                return null;
            }
            try
            {
                return StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                return null;
            }
        }
    }
}
