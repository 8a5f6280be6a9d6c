using System.Diagnostics;
using Psync.Engine.Remote;

namespace Psync.Engine.Tests.Remote;

public sealed class ShellQuoteTests
{
    [Theory]
    [InlineData("plain", "'plain'")]
    [InlineData("", "''")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("a b", "'a b'")]
    public void Quote_Value_WrapsInSingleQuotes(string value, string expected)
    {
        Assert.Equal(expected, ShellQuote.Quote(value));
    }

    [Fact]
    public void Quote_Nul_Throws()
    {
        Assert.Throws<ArgumentException>(() => ShellQuote.Quote("a\0b"));
    }

    [Theory]
    [InlineData("with space")]
    [InlineData("it's")]
    [InlineData("''")]
    [InlineData("'")]
    [InlineData("line\nbreak")]
    [InlineData("trailing newline\n")]
    [InlineData("-rf")]
    [InlineData("--root=/")]
    [InlineData("$(touch /tmp/psync-pwned)`id`$HOME")]
    [InlineData("back\\slash \\' mixed \"double\"")]
    [InlineData("*?[a-z]{x,y}~;&|<>#!")]
    [InlineData("tab\there")]
    [InlineData("ünïcødé ✓")]
    [InlineData("")]
    public void Quote_ThroughRealShell_ComesBackAsOneIdenticalArgument(string value)
    {
        var echoed = RunSh($"printf '%s\\0' {ShellQuote.Quote(value)}");

        Assert.Equal(value + "\0", echoed);
    }

    [Fact]
    public void Join_ThroughRealShell_KeepsEachWordSeparate()
    {
        string[] words = ["a b", "-n", "it's", "x\ny", ""];

        var echoed = RunSh("printf '%s\\0' " + ShellQuote.Join(words));

        Assert.Equal(string.Concat(words.Select(w => w + "\0")), echoed);
    }

    [Fact]
    public void Path_Tilde_ExpandsHomeButQuotesTheRest()
    {
        var echoed = RunSh($"HOME=/h; printf '%s' {ShellQuote.Path("~/a b/$x")}");

        Assert.Equal("/h/a b/$x", echoed);
    }

    [Fact]
    public void Path_Absolute_IsQuoted()
    {
        Assert.Equal("'/x/~/y'", ShellQuote.Path("/x/~/y"));
    }

    private static string RunSh(string script)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output;
    }
}
