using System.Globalization;
using Psync.Engine.Transfer;

namespace Psync.Engine.Tests.Transfer;

/// <summary>Which rate at which local time; the windows' syntax and the checks of <see cref="PairOptions.Validate"/>.</summary>
public sealed class BandwidthScheduleTests
{
    public static TheoryData<int, string[], string, string> Rates => new()
    {
        // base, windows, local time, rate there
        { 0, [], "12:00", "unlimited" },
        { 512, [], "03:00", "512" },
        { 0, ["09:00-18:00=2048"], "08:59", "unlimited" },
        { 0, ["09:00-18:00=2048"], "09:00", "2048" },
        { 0, ["09:00-18:00=2048"], "17:59", "2048" },
        { 0, ["09:00-18:00=2048"], "18:00", "unlimited" },
        { 100, ["09:00-18:00=unlimited"], "12:00", "unlimited" },
        { 100, ["09:00-18:00=0"], "12:00", "unlimited" },
        { 100, ["09:00-18:00=0"], "20:00", "100" },
        // "sync only 22:00-06:00": off during the day
        { 0, ["06:00-22:00=off"], "05:59", "unlimited" },
        { 0, ["06:00-22:00=off"], "06:00", "off" },
        { 0, ["06:00-22:00=off"], "21:59", "off" },
        // wrapping past midnight
        { 0, ["22:00-06:00=off"], "22:00", "off" },
        { 0, ["22:00-06:00=off"], "23:59", "off" },
        { 0, ["22:00-06:00=off"], "00:00", "off" },
        { 0, ["22:00-06:00=off"], "05:59", "off" },
        { 0, ["22:00-06:00=off"], "06:00", "unlimited" },
        { 0, ["22:00-06:00=off"], "21:59", "unlimited" },
        { 0, ["23:00-00:00=64"], "23:30", "64" },
        { 0, ["23:00-00:00=64"], "00:00", "unlimited" },
        // several windows
        { 4096, ["09:00-12:00=1024", "12:00-13:00=unlimited", "13:00-18:00=off"], "11:00", "1024" },
        { 4096, ["09:00-12:00=1024", "12:00-13:00=unlimited", "13:00-18:00=off"], "12:30", "unlimited" },
        { 4096, ["09:00-12:00=1024", "12:00-13:00=unlimited", "13:00-18:00=off"], "13:00", "off" },
        { 4096, ["09:00-12:00=1024", "12:00-13:00=unlimited", "13:00-18:00=off"], "18:30", "4096" },
        // spelling: spaces, an en dash, a one-digit hour, upper case
        { 0, [" 9:00 – 18:00 = OFF "], "10:00", "off" },
    };

    [Theory]
    [MemberData(nameof(Rates))]
    public void RateAt_LocalTime_TheWindowsRateElseTheBase(int limit, string[] windows, string time, string expected)
    {
        var schedule = BandwidthSchedule.Create(limit, windows);

        var rate = schedule.RateAt(TimeOnly.Parse(time, CultureInfo.InvariantCulture));

        Assert.Equal(expected, rate.ToString());
    }

    [Theory]
    [InlineData("22:00-06:00=off", "12:00", 0)]
    [InlineData("22:00-06:00=off", "22:00", 8 * 60)]
    [InlineData("22:00-06:00=off", "05:30", 30)]
    [InlineData("06:00-22:00=off", "21:00", 60)]
    [InlineData("06:00-22:00=off", "06:00", 16 * 60)]
    public void UntilOn_OffOrNot_TimeUntilSyncingIsOnAgain(string window, string time, int minutes)
    {
        var schedule = BandwidthSchedule.Create(0, [window]);

        Assert.Equal(TimeSpan.FromMinutes(minutes), schedule.UntilOn(TimeOnly.Parse(time, CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void UntilOn_TwoOffWindowsBackToBack_WaitsForTheEndOfBoth()
    {
        var schedule = BandwidthSchedule.Create(0, ["08:00-12:00=off", "12:00-14:00=off"]);

        Assert.Equal(TimeSpan.FromHours(4), schedule.UntilOn(new TimeOnly(10, 0)));
    }

    [Theory]
    [InlineData("25:00-18:00=100", "Window 25:00-18:00=100: hours are 00–23.")]
    [InlineData("09:00-18:60=100", "Window 09:00-18:60=100: minutes are 00–59.")]
    [InlineData("09:00-09:00=100", "Window 09:00-09:00=100: it ends where it starts (for the whole day, set the bandwidth limit).")]
    [InlineData("09:00-18:00=fast", "Window 09:00-18:00=fast: the rate is KiB/s from 0 to 10000000, unlimited or off.")]
    [InlineData("09:00-18:00=-5", "Window '09:00-18:00=-5': write HH:MM-HH:MM=RATE, RATE in KiB/s (0 or unlimited: no limit) or off.")]
    [InlineData("09:00-18:00=99999999999", "Window 09:00-18:00=99999999999: the rate is KiB/s from 0 to 10000000, unlimited or off.")]
    [InlineData("9-18=100", "Window '9-18=100': write HH:MM-HH:MM=RATE, RATE in KiB/s (0 or unlimited: no limit) or off.")]
    [InlineData("", "Window '': write HH:MM-HH:MM=RATE, RATE in KiB/s (0 or unlimited: no limit) or off.")]
    public void Validate_BadWindow_SaysWhatIsWrongOnTheField(string window, string message)
    {
        var errors = Options(0, window).Validate();

        Assert.Equal([message], errors[nameof(PairOptions.BandwidthWindows)]);
    }

    [Theory]
    [InlineData("09:00-18:00=100", "17:00-19:00=off")]
    [InlineData("22:00-06:00=off", "05:00-07:00=100")]
    [InlineData("22:00-06:00=off", "23:00-01:00=100")]
    [InlineData("00:00-12:00=1", "06:00-07:00=2")]
    public void Validate_OverlappingWindows_Refused(string first, string second)
    {
        var errors = Options(0, first, second).Validate();

        Assert.Contains("overlap", Assert.Single(errors[nameof(PairOptions.BandwidthWindows)]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("09:00-18:00=100", "18:00-19:00=off")]
    [InlineData("22:00-06:00=off", "06:00-22:00=100")]
    public void Validate_WindowsThatOnlyTouch_Accepted(string first, string second)
    {
        Assert.Empty(Options(0, first, second).Validate());
    }

    [Fact]
    public void Validate_OffAllDay_Refused()
    {
        var errors = Options(0, "00:00-12:00=off", "12:00-00:00=off").Validate();

        Assert.Equal(["The windows turn syncing off all day."], errors[nameof(PairOptions.BandwidthWindows)]);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(PairOptions.MaxBandwidthLimit + 1)]
    public void Validate_LimitOutOfRange_Refused(int limit)
    {
        var errors = Options(limit).Validate();

        Assert.Equal(["The bandwidth limit is 0 (unlimited) to 10000000 KiB/s."], errors[nameof(PairOptions.BandwidthLimit)]);
    }

    [Fact]
    public void Validate_LimitAndBwlimitInTheRsyncOptions_Refused()
    {
        var errors = (Options(100) with { RsyncExtra = ["--bwlimit=50"] }).Validate();

        Assert.Contains("--bwlimit", Assert.Single(errors[nameof(PairOptions.BandwidthLimit)]), StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_LimitAndWindows_OneLine()
    {
        Assert.Equal("2048 KiB/s; 22:00-06:00=off; 12:00-13:00=unlimited", BandwidthSchedule.Create(2048, ["22:00-06:00=off", "12:00-13:00=0"]).ToString());
    }

    private static PairOptions Options(int limit, params string[] windows) =>
        new() { LeftRoot = "/l", RightRoot = "/r", DataDir = "/d", BandwidthLimit = limit, BandwidthWindows = windows };
}
