using System.Globalization;
using Psync.Engine.Transfer;

namespace Psync.Engine.Tests.Transfer;

public sealed class RsyncOutputTests
{
    [Theory]
    [InlineData("          4,096   0%    0.00kB/s    0:00:00  ", 0)]
    [InlineData("         12,288  37%    7.81MB/s    0:00:00 (xfr#3, to-chk=9997/10001)", 37)]
    [InlineData("    104,857,600 100%  150.23MB/s    0:00:00 (xfr#1, to-chk=0/1)", 100)]
    [InlineData("1.024.000  5%  1,00MB/s", 5)]
    public void ProgressPercent_AProgressLine_IsItsPercentage(string line, int percent) =>
        Assert.Equal(percent, Rsync.ProgressPercent(line));

    [Theory]
    [InlineData("")]
    [InlineData("Number of files: 10,001 (reg: 10,000, dir: 1)")]
    [InlineData("Literal data: 40,960,000 bytes")]
    [InlineData("Total bytes sent: 41,451,123")]
    [InlineData("sent 41,451,123 bytes  received 190,049 bytes  83,282,344.00 bytes/sec")]
    [InlineData("   4,096 1000% x")]
    [InlineData("   4,096 %  x")]
    [InlineData("   4,096  12%")]
    public void ProgressPercent_AnyOtherLine_IsNull(string line) =>
        Assert.Null(Rsync.ProgressPercent(line));

    [Fact]
    public void ReadOutput_KeepsTheStatsLines_AndReportsEachNewPercentageOnce()
    {
        var output = "\r     4,096   0%    0.00kB/s    0:00:00  \r     8,192  50%    3.91MB/s    0:00:00 (xfr#1, to-chk=1/3)"
            + "\r     8,192  50%    3.91MB/s    0:00:00 (xfr#1, to-chk=1/3)\r    12,288 100%    5.86MB/s    0:00:00 (xfr#2, to-chk=0/3)\n"
            + "\nNumber of files: 3 (reg: 2, dir: 1)\nLiteral data: 12,288 bytes\nTotal bytes sent: 12,500\n";
        var seen = new List<int>();

        var kept = Rsync.ReadOutput(new StringReader(output), new Inline(seen.Add));

        Assert.Equal([0, 50, 100], seen);
        Assert.Equal("\n\nNumber of files: 3 (reg: 2, dir: 1)\nLiteral data: 12,288 bytes\nTotal bytes sent: 12,500\n", kept);
    }

    [Fact]
    public void ReadOutput_LinesCutAcrossReads_AndOneLongerThanTheBuffer_AreWhole()
    {
        var longLine = new string('x', 200_000);
        var lines = Enumerable.Range(0, 5_000).Select(i => string.Create(CultureInfo.InvariantCulture, $"    {i * 4096:N0} {i % 100,3}%    1.00MB/s    0:00:00 (xfr#{i}, to-chk=1/2)\r"))
            .Append($"{longLine}\nLiteral data: 7 bytes\nno end");
        var seen = new List<int>();

        var kept = Rsync.ReadOutput(new Trickle(string.Concat(lines), 1_000), new Inline(seen.Add));

        Assert.Equal(Enumerable.Range(0, 5_000).Select(i => i % 100), seen);
        Assert.Equal($"{longLine}\nLiteral data: 7 bytes\nno end", kept);
    }

    /// <summary>Reports synchronously, in order (Progress&lt;T&gt; posts to the pool).</summary>
    private sealed class Inline(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }

    /// <summary>A reader that returns at most <paramref name="most"/> characters a read, as a pipe may.</summary>
    private sealed class Trickle(string text, int most) : StringReader(text)
    {
        public override int Read(char[] buffer, int index, int count) => base.Read(buffer, index, Math.Min(most, count));
    }
}
