using Psync.Engine.Remote;

namespace Psync.Engine.Tests.Remote;

public sealed class RemoteAddressTests
{
    [Theory]
    [InlineData("host", "me", "host", 22)]
    [InlineData("alice@host", "alice", "host", 22)]
    [InlineData("alice@host.example.org:2222", "alice", "host.example.org", 2222)]
    [InlineData("host:1", "me", "host", 1)]
    [InlineData("10.0.0.5:65535", "me", "10.0.0.5", 65535)]
    [InlineData("[::1]", "me", "::1", 22)]
    [InlineData("[::1]:2222", "me", "::1", 2222)]
    [InlineData("bob@[fe80::1%eth0]:22", "bob", "fe80::1%eth0", 22)]
    [InlineData("first.last@corp@host", "first.last@corp", "host", 22)]
    public void Parse_ValidAddress_SplitsUserHostPort(string text, string user, string host, int port)
    {
        var address = RemoteAddress.Parse(text, defaultUser: "me");

        Assert.Equal(new RemoteAddress(user, host, port), address);
    }

    [Fact]
    public void Parse_NoUser_UsesCurrentUser()
    {
        Assert.Equal(Environment.UserName, RemoteAddress.Parse("host").User);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("@host", "empty user")]
    [InlineData("alice@", "no host")]
    [InlineData(":22", "no host")]
    [InlineData("host:", "port '' ")]
    [InlineData("host:0", "port '0'")]
    [InlineData("host:65536", "port '65536'")]
    [InlineData("host:22x", "port '22x'")]
    [InlineData("host:-1", "port '-1'")]
    [InlineData("host name", "space")]
    [InlineData("host\n", "control")]
    [InlineData("::1", "brackets")]
    [InlineData("fe80::1:2222", "brackets")]
    [InlineData("[::1", "without closing")]
    [InlineData("[::1]x", "only :port may follow")]
    [InlineData("[]:22", "no host")]
    [InlineData("-oProxyCommand=evil", "may not start with '-'")]
    [InlineData("-l@host", "user name")]
    [InlineData("a/b", "contains")]
    public void Parse_InvalidAddress_ThrowsFormatExceptionSayingWhy(string text, string reason)
    {
        var e = Assert.Throws<FormatException>(() => RemoteAddress.Parse(text, "me"));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("alice@host:2222")]
    [InlineData("alice@[::1]:22")]
    public void ToString_Parsed_RoundTrips(string text)
    {
        var address = RemoteAddress.Parse(text);

        Assert.Equal(text, address.ToString());
        Assert.Equal(address, RemoteAddress.Parse(address.ToString()));
    }

    [Fact]
    public void TryParse_Invalid_ReturnsFalse()
    {
        Assert.False(RemoteAddress.TryParse("host:x", out var address));
        Assert.Null(address);
    }
}
