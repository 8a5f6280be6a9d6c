namespace Psync.Web.Conflicts;

/// <summary>What a line of a diff is: in both versions, only in the left, only in the right.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CamelCaseEnum<DiffOp>))]
public enum DiffOp
{
    Same,
    Removed,
    Added,
}

/// <summary>One line of a diff, with its number (from 1) in the left and the right version where it has one.</summary>
public sealed record DiffLine(DiffOp Op, int? LeftLine, int? RightLine, string Text);

/// <summary>A run of changed lines with a few unchanged ones around it, as <c>diff -u</c> shows.</summary>
public sealed record DiffHunk(int LeftStart, int RightStart, IReadOnlyList<DiffLine> Lines);

/// <summary>
/// A line diff of two texts (Myers' O(ND) algorithm after the common head and tail are taken off).
/// Past <see cref="MaxEdits"/> edits the versions are too different to align usefully and the
/// middle reads as removed, then added.
/// </summary>
public static class LineDiff
{
    /// <summary>The most edits (lines removed plus added) aligned line by line.</summary>
    public const int MaxEdits = 2000;

    /// <summary>The lines of <paramref name="text"/> (LF or CRLF; a final newline ends the last line, it does not start another).</summary>
    public static string[] Lines(string text)
    {
        var lines = text.Split('\n');
        if (lines.Length > 0 && lines[^1].Length == 0)
        {
            lines = lines[..^1];
        }
        return [.. lines.Select(l => l.EndsWith('\r') ? l[..^1] : l)];
    }

    /// <summary>Every line of both versions in order: unchanged, removed from the left, added in the right.</summary>
    public static IReadOnlyList<DiffLine> Compare(IReadOnlyList<string> left, IReadOnlyList<string> right)
    {
        var head = 0;
        while (head < left.Count && head < right.Count && left[head] == right[head])
        {
            head++;
        }
        var tail = 0;
        while (tail < left.Count - head && tail < right.Count - head && left[left.Count - 1 - tail] == right[right.Count - 1 - tail])
        {
            tail++;
        }
        var result = new List<DiffLine>(left.Count + right.Count);
        for (var i = 0; i < head; i++)
        {
            result.Add(new DiffLine(DiffOp.Same, i + 1, i + 1, left[i]));
        }
        var ops = Middle(left, right, head, left.Count - tail, head, right.Count - tail);
        int l = head, r = head;
        foreach (var op in ops)
        {
            result.Add(op switch
            {
                DiffOp.Same => new DiffLine(op, ++l, ++r, left[l - 1]),
                DiffOp.Removed => new DiffLine(op, ++l, null, left[l - 1]),
                _ => new DiffLine(op, null, ++r, right[r - 1]),
            });
        }
        for (var i = 0; i < tail; i++)
        {
            result.Add(new DiffLine(DiffOp.Same, left.Count - tail + i + 1, right.Count - tail + i + 1, left[left.Count - tail + i]));
        }
        return result;
    }

    /// <summary>The changed lines of <paramref name="lines"/> with <paramref name="context"/> unchanged lines around each run; none when nothing changed.</summary>
    public static IReadOnlyList<DiffHunk> Hunks(IReadOnlyList<DiffLine> lines, int context = 3)
    {
        var hunks = new List<DiffHunk>();
        var i = 0;
        while (i < lines.Count)
        {
            if (lines[i].Op == DiffOp.Same)
            {
                i++;
                continue;
            }
            var start = Math.Max(0, i - context);
            var end = i;
            // Extend while the next change is within twice the context: one hunk, as diff -u joins them.
            while (end < lines.Count)
            {
                var next = end;
                while (next < lines.Count && lines[next].Op == DiffOp.Same)
                {
                    next++;
                }
                if (next == lines.Count || next - end > 2 * context)
                {
                    end = Math.Min(lines.Count, end + context);
                    break;
                }
                end = next;
                while (end < lines.Count && lines[end].Op != DiffOp.Same)
                {
                    end++;
                }
            }
            var slice = lines.Skip(start).Take(end - start).ToList();
            hunks.Add(new DiffHunk(
                slice.FirstOrDefault(d => d.LeftLine is not null)?.LeftLine ?? 0,
                slice.FirstOrDefault(d => d.RightLine is not null)?.RightLine ?? 0,
                slice));
            i = end;
        }
        return hunks;
    }

    /// <summary>Myers' greedy forward search with its trace kept for the walk back; ops for left[l0..l1) against right[r0..r1).</summary>
    private static List<DiffOp> Middle(IReadOnlyList<string> a, IReadOnlyList<string> b, int l0, int l1, int r0, int r1)
    {
        int n = l1 - l0, m = r1 - r0;
        var ops = new List<DiffOp>(n + m);
        if (n == 0 || m == 0)
        {
            ops.AddRange(Enumerable.Repeat(DiffOp.Removed, n));
            ops.AddRange(Enumerable.Repeat(DiffOp.Added, m));
            return ops;
        }
        var max = Math.Min(n + m, MaxEdits);
        var v = new int[(2 * max) + 2];
        var trace = new List<int[]>();
        var found = -1;
        for (var d = 0; d <= max && found < 0; d++)
        {
            // Round d reads only the diagonals -d..d of the previous round: keep just those (memory ~ D²).
            trace.Add(v[(max - d)..(max + d + 1)]);
            for (var k = -d; k <= d; k += 2)
            {
                var x = k == -d || (k != d && v[max + k - 1] < v[max + k + 1]) ? v[max + k + 1] : v[max + k - 1] + 1;
                var y = x - k;
                while (x < n && y < m && a[l0 + x] == b[r0 + y])
                {
                    x++;
                    y++;
                }
                v[max + k] = x;
                if (x >= n && y >= m)
                {
                    found = d;
                    break;
                }
            }
        }
        if (found < 0)
        {
            ops.AddRange(Enumerable.Repeat(DiffOp.Removed, n));
            ops.AddRange(Enumerable.Repeat(DiffOp.Added, m));
            return ops;
        }
        // Walk back from (n, m) through the saved V arrays: each step is one edit and a diagonal run.
        int cx = n, cy = m;
        for (var d = found; d > 0; d--)
        {
            var prev = trace[d]; // prev[d + k] is diagonal k
            var k = cx - cy;
            var down = k == -d || (k != d && prev[d + k - 1] < prev[d + k + 1]);
            var pk = down ? k + 1 : k - 1;
            var px = prev[d + pk];
            var py = px - pk;
            var sx = down ? px : px + 1;
            while (cx > sx)
            {
                ops.Add(DiffOp.Same);
                cx--;
                cy--;
            }
            ops.Add(down ? DiffOp.Added : DiffOp.Removed);
            (cx, cy) = (px, py);
        }
        while (cx > 0)
        {
            ops.Add(DiffOp.Same);
            cx--;
            cy--;
        }
        ops.Reverse();
        return ops;
    }
}
