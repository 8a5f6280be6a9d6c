using Psync.Web.Conflicts;

namespace Psync.Web.Components.Tests.Conflicts;

public sealed class LineDiffTests
{
    [Fact]
    public void Compare_OneLineChanged_RemovedAndAddedWithTheirNumbers()
    {
        // Act
        var lines = LineDiff.Compare(["a", "b", "c"], ["a", "B", "c"]);

        // Assert
        Assert.Equal(
            [new DiffLine(DiffOp.Same, 1, 1, "a"), new DiffLine(DiffOp.Removed, 2, null, "b"), new DiffLine(DiffOp.Added, null, 2, "B"), new DiffLine(DiffOp.Same, 3, 3, "c")],
            lines);
    }

    [Fact]
    public void Compare_InsertAndDeleteInTheMiddle_KeepsTheCommonLinesAligned()
    {
        // Act
        var lines = LineDiff.Compare(["a", "x", "b", "c", "d"], ["a", "b", "c", "y", "d"]);

        // Assert
        Assert.Equal(["  a", "- x", "  b", "  c", "+ y", "  d"], lines.Select(Show));
        Assert.Equal([1, 2, 3, 4, 5], lines.Where(l => l.LeftLine is not null).Select(l => l.LeftLine!.Value));
        Assert.Equal([1, 2, 3, 4, 5], lines.Where(l => l.RightLine is not null).Select(l => l.RightLine!.Value));
    }

    [Theory]
    [InlineData("", "a\nb\n", "+ a|+ b")]
    [InlineData("a\nb\n", "", "- a|- b")]
    [InlineData("same\n", "same\n", "  same")]
    [InlineData("a\r\nb\r\n", "a\nb", "  a|  b")]
    public void Compare_EdgeCases_AsExpected(string left, string right, string expected)
    {
        // Act
        var lines = LineDiff.Compare(LineDiff.Lines(left), LineDiff.Lines(right));

        // Assert
        Assert.Equal(expected.Split('|'), lines.Select(Show));
    }

    /// <summary>Any two texts: the left's lines are the same and removed ones, the right's the same and added ones, in order (a diff that rebuilds both).</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Compare_RandomTexts_RebuildsBothSidesWithAMinimalNumberOfEdits(int seed)
    {
        // Arrange
        var random = new Random(seed);
        var left = Enumerable.Range(0, 60).Select(_ => ((char)('a' + random.Next(4))).ToString()).ToArray();
        var right = Enumerable.Range(0, 50).Select(_ => ((char)('a' + random.Next(4))).ToString()).ToArray();

        // Act
        var lines = LineDiff.Compare(left, right);

        // Assert
        Assert.Equal(left, lines.Where(l => l.Op != DiffOp.Added).Select(l => l.Text));
        Assert.Equal(right, lines.Where(l => l.Op != DiffOp.Removed).Select(l => l.Text));
        var edits = lines.Count(l => l.Op != DiffOp.Same);
        Assert.Equal(left.Length + right.Length - (2 * Lcs(left, right)), edits);
    }

    [Fact]
    public void Compare_PastTheEditLimit_MiddleRemovedThenAdded()
    {
        // Arrange
        var left = Enumerable.Range(0, LineDiff.MaxEdits).Select(i => $"l{i}").Prepend("head").Append("tail").ToArray();
        var right = Enumerable.Range(0, LineDiff.MaxEdits).Select(i => $"r{i}").Prepend("head").Append("tail").ToArray();

        // Act
        var lines = LineDiff.Compare(left, right);

        // Assert
        Assert.Equal(left, lines.Where(l => l.Op != DiffOp.Added).Select(l => l.Text));
        Assert.Equal(right, lines.Where(l => l.Op != DiffOp.Removed).Select(l => l.Text));
        Assert.Equal(2 * LineDiff.MaxEdits, lines.Count(l => l.Op != DiffOp.Same));
    }

    [Fact]
    public void Hunks_TwoChangesFarApart_TwoHunksWithThreeLinesOfContext()
    {
        // Arrange
        var left = Enumerable.Range(1, 30).Select(i => $"line {i}").ToArray();
        var right = left.Select(l => l is "line 5" or "line 25" ? l + " edited" : l).ToArray();

        // Act
        var hunks = LineDiff.Hunks(LineDiff.Compare(left, right));

        // Assert
        Assert.Equal(2, hunks.Count);
        Assert.Equal((2, 2, 8), (hunks[0].LeftStart, hunks[0].RightStart, hunks[0].Lines.Count)); // lines 2-4, -5, +5, 6-8
        Assert.Equal((22, 22), (hunks[1].LeftStart, hunks[1].RightStart));
        Assert.Empty(LineDiff.Hunks(LineDiff.Compare(left, left)));
    }

    [Fact]
    public void Hunks_ChangesCloseTogether_OneHunk()
    {
        // Arrange
        var left = Enumerable.Range(1, 20).Select(i => $"{i}").ToArray();
        var right = left.Select(l => l is "5" or "10" ? "x" : l).ToArray();

        // Act
        var hunk = Assert.Single(LineDiff.Hunks(LineDiff.Compare(left, right)));

        // Assert
        Assert.Equal("2", hunk.Lines[0].Text);
        Assert.Equal("13", hunk.Lines[^1].Text);
    }

    private static string Show(DiffLine line) => (line.Op switch { DiffOp.Removed => "- ", DiffOp.Added => "+ ", _ => "  " }) + line.Text;

    private static int Lcs(string[] a, string[] b)
    {
        var table = new int[a.Length + 1, b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                table[i, j] = a[i - 1] == b[j - 1] ? table[i - 1, j - 1] + 1 : Math.Max(table[i - 1, j], table[i, j - 1]);
            }
        }
        return table[a.Length, b.Length];
    }
}
