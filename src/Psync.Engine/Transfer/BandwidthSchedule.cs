using System.Globalization;
using System.Text.RegularExpressions;

namespace Psync.Engine.Transfer;

/// <summary>What a pair may send at a moment: nothing (<see cref="Off"/>), or up to <see cref="KiBps"/> KiB/s (0: no limit).</summary>
/// <param name="KiBps">rsync's <c>--bwlimit</c> in KiB/s; 0 is no limit.</param>
/// <param name="Off">Syncing is off: changes are collected, nothing is planned or sent.</param>
public readonly record struct BandwidthRate(int KiBps, bool Off = false)
{
    /// <summary>No limit.</summary>
    public static BandwidthRate Unlimited => new(0);

    /// <summary>Syncing is off.</summary>
    public static BandwidthRate Stopped => new(0, Off: true);

    /// <summary>As a window writes it: <c>off</c>, <c>unlimited</c> or the KiB/s.</summary>
    public override string ToString() => Off ? "off" : KiBps == 0 ? "unlimited" : KiBps.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// A time of day, <see cref="Start"/> included to <see cref="End"/> excluded, in the appliance's local
/// time, with its rate; a window whose end comes before its start wraps past midnight.
/// </summary>
/// <param name="Start">Where it begins.</param>
/// <param name="End">Where it ends (not included).</param>
/// <param name="Rate">The rate inside it.</param>
public sealed record BandwidthWindow(TimeOnly Start, TimeOnly End, BandwidthRate Rate)
{
    /// <summary>True when <paramref name="time"/> lies in this window.</summary>
    public bool Contains(TimeOnly time) => Start < End ? time >= Start && time < End : time >= Start || time < End;

    /// <summary>The window as it is written: <c>HH:MM-HH:MM=RATE</c>.</summary>
    public override string ToString() => $"{Start.ToString("HH:mm", CultureInfo.InvariantCulture)}-{End.ToString("HH:mm", CultureInfo.InvariantCulture)}={Rate}";

    /// <summary>Its minutes of the day as one or two ranges [from, to) (two when it wraps past midnight).</summary>
    internal IEnumerable<(int From, int To)> Minutes()
    {
        var (start, end) = (Start.Hour * 60 + Start.Minute, End.Hour * 60 + End.Minute);
        if (start < end)
        {
            yield return (start, end);
            yield break;
        }
        yield return (start, 24 * 60);
        if (end > 0)
        {
            yield return (0, end);
        }
    }
}

/// <summary>
/// A pair's bandwidth over the day: a base limit, and windows of the day that set another rate or turn
/// syncing off. The one parser and checker of <see cref="PairOptions.BandwidthLimit"/> and
/// <see cref="PairOptions.BandwidthWindows"/> (written <c>HH:MM-HH:MM=RATE</c>, RATE in KiB/s,
/// <c>0</c>/<c>unlimited</c>, or <c>off</c>). Windows must not overlap.
/// </summary>
public sealed partial class BandwidthSchedule
{
    private BandwidthSchedule(BandwidthRate baseRate, IReadOnlyList<BandwidthWindow> windows)
    {
        Base = baseRate;
        Windows = windows;
    }

    /// <summary>The rate outside every window.</summary>
    public BandwidthRate Base { get; }

    /// <summary>The windows, as given.</summary>
    public IReadOnlyList<BandwidthWindow> Windows { get; }

    /// <summary>True when no limit and no window is set.</summary>
    public bool IsUnlimited => Base == BandwidthRate.Unlimited && Windows.Count == 0;

    /// <summary>The schedule of <paramref name="limitKiBps"/> and <paramref name="windows"/>.</summary>
    /// <exception cref="ArgumentException">What <see cref="Problems"/> says is wrong.</exception>
    public static BandwidthSchedule Create(int limitKiBps, IReadOnlyList<string> windows)
    {
        var (schedule, problems) = Build(limitKiBps, windows);
        return problems.Count == 0 ? schedule! : throw new ArgumentException(string.Join(" ", problems), nameof(windows));
    }

    /// <summary>What is wrong with a limit and windows, in sentences for the user; empty when nothing is.</summary>
    public static (IReadOnlyList<string> Limit, IReadOnlyList<string> Windows) Problems(int limitKiBps, IReadOnlyList<string> windows)
    {
        var limit = RateProblem(limitKiBps) is { } problem ? [$"The bandwidth limit is {problem}."] : new List<string>();
        var (_, problems) = Build(0, windows);
        return (limit, problems);
    }

    /// <summary>The rate at <paramref name="time"/> (local time of day).</summary>
    public BandwidthRate RateAt(TimeOnly time) => Windows.FirstOrDefault(w => w.Contains(time))?.Rate ?? Base;

    /// <summary>How long from <paramref name="time"/> until syncing is on again; zero when it is on, null when it never is.</summary>
    public TimeSpan? UntilOn(TimeOnly time)
    {
        if (!RateAt(time).Off)
        {
            return TimeSpan.Zero;
        }
        return Boundaries()
            .Select(b => Ahead(time, b))
            .Order()
            .Cast<TimeSpan?>()
            .FirstOrDefault(ahead => !RateAt(time.Add(ahead!.Value)).Off);
    }

    /// <summary>How long from <paramref name="time"/> until the rate may change next (a window's start or end); null without windows.</summary>
    public TimeSpan? UntilChange(TimeOnly time) =>
        Windows.Count == 0 ? null : Boundaries().Select(b => Ahead(time, b)).Min();

    /// <summary>One line for people: <c>2048 KiB/s</c>, <c>unlimited; 22:00-06:00=off</c>.</summary>
    public override string ToString() =>
        string.Join("; ", [Base.KiBps == 0 ? "unlimited" : $"{Base.KiBps} KiB/s", .. Windows.Select(w => w.ToString())]);

    /// <summary>The local time of day on <paramref name="clock"/> (its <see cref="TimeProvider.LocalTimeZone"/>).</summary>
    public static TimeOnly TimeOfDay(TimeProvider clock) => TimeOnly.FromDateTime(clock.GetLocalNow().DateTime);

    private IEnumerable<TimeOnly> Boundaries() => Windows.SelectMany(w => new[] { w.Start, w.End });

    /// <summary>From <paramref name="time"/> forward to the next <paramref name="boundary"/>: more than zero, at most a day.</summary>
    private static TimeSpan Ahead(TimeOnly time, TimeOnly boundary)
    {
        var ahead = boundary - time; // TimeOnly subtraction wraps into [0, 24h)
        return ahead == TimeSpan.Zero ? TimeSpan.FromDays(1) : ahead;
    }

    private static (BandwidthSchedule? Schedule, List<string> Problems) Build(int limitKiBps, IReadOnlyList<string> texts)
    {
        var problems = new List<string>();
        if (RateProblem(limitKiBps) is { } bad)
        {
            problems.Add($"The bandwidth limit is {bad}.");
        }
        if (texts.Count > PairOptions.MaxBandwidthWindows)
        {
            problems.Add($"At most {PairOptions.MaxBandwidthWindows} windows.");
        }
        var windows = new List<BandwidthWindow>();
        foreach (var text in texts)
        {
            if (Parse(text, out var problem) is { } window)
            {
                windows.Add(window);
            }
            else
            {
                problems.Add(problem!);
            }
        }
        for (var i = 0; i < windows.Count; i++)
        {
            for (var j = i + 1; j < windows.Count; j++)
            {
                if (windows[i].Minutes().Any(a => windows[j].Minutes().Any(b => a.From < b.To && b.From < a.To)))
                {
                    problems.Add($"Windows {windows[i]} and {windows[j]} overlap.");
                }
            }
        }
        if (problems.Count == 0 && windows.Count > 0 && windows.All(w => w.Rate.Off) && windows.Sum(w => w.Minutes().Sum(m => m.To - m.From)) == 24 * 60)
        {
            problems.Add("The windows turn syncing off all day.");
        }
        return (problems.Count == 0 ? new BandwidthSchedule(new BandwidthRate(limitKiBps), windows) : null, problems);
    }

    /// <summary>One window, or null and the reason it is not one.</summary>
    private static BandwidthWindow? Parse(string? text, out string? problem)
    {
        var shown = text?.Trim() ?? "";
        if (WindowSyntax().Match(shown) is not { Success: true } m)
        {
            problem = $"Window '{shown}': write HH:MM-HH:MM=RATE, RATE in KiB/s (0 or unlimited: no limit) or off.";
            return null;
        }
        int Number(int group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);
        var (h1, m1, h2, m2) = (Number(1), Number(2), Number(3), Number(4));
        var rateText = m.Groups[5].Value.ToLowerInvariant();
        BandwidthRate? rate = rateText switch
        {
            "off" => BandwidthRate.Stopped,
            "unlimited" => BandwidthRate.Unlimited,
            _ => int.TryParse(rateText, NumberStyles.None, CultureInfo.InvariantCulture, out var kib) && RateProblem(kib) is null ? new BandwidthRate(kib) : null,
        };
        problem = h1 > 23 || h2 > 23 ? "hours are 00–23"
            : m1 > 59 || m2 > 59 ? "minutes are 00–59"
            : (h1, m1) == (h2, m2) ? "it ends where it starts (for the whole day, set the bandwidth limit)"
            : rate is null ? $"the rate is KiB/s from 0 to {PairOptions.MaxBandwidthLimit}, unlimited or off"
            : null;
        if (problem is not null)
        {
            problem = $"Window {shown}: {problem}.";
            return null;
        }
        return new BandwidthWindow(new TimeOnly(h1, m1), new TimeOnly(h2, m2), rate!.Value);
    }

    private static string? RateProblem(int kibps) =>
        kibps is < 0 or > PairOptions.MaxBandwidthLimit ? $"0 (unlimited) to {PairOptions.MaxBandwidthLimit} KiB/s" : null;

    [GeneratedRegex(@"^(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*=\s*([0-9]+|[A-Za-z]+)$")]
    private static partial Regex WindowSyntax();
}
