using Psync.Web.Components.Shared;

namespace Psync.Web.Components.Tests.Shared;

public sealed class FormatTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1024, "1.0 KiB")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(1023.96 * 1024, "1.0 MiB")]
    [InlineData(10 * 1024 * 1024, "10.0 MiB")]
    [InlineData(3.25 * 1024 * 1024 * 1024, "3.3 GiB")]
    [InlineData(2048.0 * 1024 * 1024 * 1024 * 1024, "2048.0 TiB")]
    public void Bytes_Size_UsesBinaryUnits(double bytes, string expected)
    {
        // Act
        var text = Format.Bytes(bytes);

        // Assert
        Assert.Equal(expected, text);
    }

    [Theory]
    [InlineData(0, "—")]
    [InlineData(-5, "—")]
    [InlineData(512, "512 B/s")]
    [InlineData(1.5 * 1024 * 1024, "1.5 MiB/s")]
    public void Rate_BytesPerSecond_ShowsPerSecondOrDash(double bytesPerSecond, string expected)
    {
        // Act
        var text = Format.Rate(bytesPerSecond);

        // Assert
        Assert.Equal(expected, text);
    }

    [Fact]
    public void Ago_Null_IsNever()
    {
        // Act
        var text = Format.Ago(null, Now);

        // Assert
        Assert.Equal("never", text);
    }

    [Theory]
    [InlineData(0, "just now")]
    [InlineData(4, "just now")]
    [InlineData(30, "30 s ago")]
    [InlineData(5 * 60, "5 min ago")]
    [InlineData(3 * 3600, "3 h ago")]
    [InlineData(60, "1 min ago")]
    [InlineData(59 * 60 + 40, "1 h ago")]
    public void Ago_RecentTime_IsRelative(int secondsBefore, string expected)
    {
        // Act
        var text = Format.Ago(Now.AddSeconds(-secondsBefore), Now);

        // Assert
        Assert.Equal(expected, text);
    }

    [Fact]
    public void Ago_OverADay_IsLocalDateAndTime()
    {
        // Arrange
        var then = Now.AddDays(-2);

        // Act
        var text = Format.Ago(then, Now);

        // Assert
        Assert.Equal(then.ToLocalTime().ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture), text);
    }
}
