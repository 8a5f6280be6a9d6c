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
        var local = then.ToLocalTime();
        Assert.Equal(local.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " " + Format.Zone(local.Offset), text);
    }

    [Theory]
    [InlineData(0, "file", "0 files")]
    [InlineData(1, "file", "1 file")]
    [InlineData(2, "file", "2 files")]
    [InlineData(2000, "file", "2,000 files")]
    [InlineData(1, "directory", "1 directory")]
    [InlineData(3, "directory", "3 directories")]
    [InlineData(2, "day", "2 days")]
    [InlineData(2, "match", "2 matches")]
    [InlineData(1234567, "byte", "1,234,567 bytes")]
    public void Count_Number_UsesTheRightNoun(long n, string singular, string expected)
    {
        // Act
        var text = Format.Count(n, singular);

        // Assert
        Assert.Equal(expected, text);
    }

    [Theory]
    [InlineData(1, 1, "1 of 1 file")]
    [InlineData(1730, 2000, "1,730 of 2,000 files")]
    [InlineData(0, 0, "0 of 0 files")]
    public void CountOf_DoneOfTotal_PluralByTheTotal(long done, long total, string expected)
    {
        // Act
        var text = Format.CountOf(done, total, "file");

        // Assert
        Assert.Equal(expected, text);
    }

    [Theory]
    [InlineData(6.8 * 1024 * 1024, 7.8 * 1024 * 1024, "6.8 of 7.8 MiB")]
    [InlineData(512, 2 * 1024 * 1024, "0.0 of 2.0 MiB")]
    [InlineData(3, 6, "3 of 6 B")]
    public void BytesOf_DoneOfTotal_InTheTotalsUnit(double done, double total, string expected)
    {
        // Act
        var text = Format.BytesOf(done, total);

        // Assert
        Assert.Equal(expected, text);
    }

    [Theory]
    [InlineData(0, "0 s")]
    [InlineData(2.4, "2 s")]
    [InlineData(59.4, "59 s")]
    [InlineData(60, "1 min")]
    [InlineData(185, "3 min 5 s")]
    [InlineData(7800, "2 h 10 min")]
    [InlineData(3 * 86400 + 4 * 3600, "3 d 4 h")]
    [InlineData(-5, "0 s")]
    public void Duration_Span_ReadsAsSpoken(double seconds, string expected)
    {
        // Act
        var text = Format.Duration(TimeSpan.FromSeconds(seconds));

        // Assert
        Assert.Equal(expected, text);
    }

    [Fact]
    public void Eta_KnownAndUnknown_TildeOrNothing()
    {
        // Act + Assert
        Assert.Equal("~2 s left", Format.Eta(TimeSpan.FromSeconds(2)));
        Assert.Equal("", Format.Eta(null));
    }

    [Fact]
    public void ClockTime_InAZone_NamesTheZone()
    {
        // Arrange
        var time = new DateTimeOffset(2026, 12, 6, 7, 52, 3, TimeSpan.Zero);
        var plusOne = TimeZoneInfo.CreateCustomTimeZone("test+1", TimeSpan.FromHours(1), "test+1", "test+1");
        var minusFiveThirty = TimeZoneInfo.CreateCustomTimeZone("test-5:30", new TimeSpan(-5, -30, 0), "t", "t");

        // Act + Assert
        Assert.Equal("07:52:03 UTC", Format.ClockTime(time, TimeZoneInfo.Utc));
        Assert.Equal("08:52:03 UTC+01:00", Format.ClockTime(time, plusOne));
        Assert.Equal("02:22:03 UTC-05:30", Format.ClockTime(time, minusFiveThirty));
        Assert.Equal("2026-12-06 08:52:03.000 UTC+01:00", Format.Time(time, plusOne));
    }
}
