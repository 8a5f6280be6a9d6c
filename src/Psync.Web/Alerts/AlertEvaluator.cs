namespace Psync.Web.Alerts;

/// <summary>A rule's condition started to be alerted on a pair (<see cref="Raised"/>), or stopped holding after it was (cleared). Since: When the condition began to hold.</summary>
public sealed record AlertNotice(AlertRuleEntity Rule, PairSnapshot Pair, bool Raised, string Detail, DateTimeOffset Since, DateTimeOffset Time)
{
    public string Event => Raised ? "raised" : "cleared";

    public string Title => $"Psync: {Pair.Name}: {Rule.Condition.Describe()}{(Raised ? "" : " cleared")}";

    public string Message => Raised
        ? $"Pair '{Pair.Name}': {Rule.Condition.Describe()} since {Since:yyyy-MM-dd HH:mm:ss} UTC. {Detail}".TrimEnd()
        : $"Pair '{Pair.Name}': {Rule.Condition.Describe()} cleared at {Time:yyyy-MM-dd HH:mm:ss} UTC, after {Format(Time - Since)}.";

    private static string Format(TimeSpan span) => span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0.#} min" : $"{span.TotalSeconds:0} s";
}

/// <summary>
/// Turns snapshots of the pairs into alerts: a condition that has held for the rule's minutes is raised once, and
/// cleared once when it stops holding; nothing in between (debounce). Not thread-safe: one caller, the alert service.
/// </summary>
public sealed class AlertEvaluator(TimeProvider clock)
{
    private readonly Dictionary<(int Rule, int Pair), Tracker> _trackers = [];

    public IReadOnlyList<AlertNotice> Evaluate(IReadOnlyList<AlertRuleEntity> rules, IReadOnlyList<PairSnapshot> pairs)
    {
        var now = clock.GetUtcNow();
        var notices = new List<AlertNotice>();
        var seen = new HashSet<(int, int)>();
        foreach (var rule in rules.Where(r => r.Enabled))
        {
            foreach (var pair in pairs.Where(p => rule.PairId is null || rule.PairId == p.PairId))
            {
                var key = (rule.Id, pair.PairId);
                seen.Add(key);
                var tracker = _trackers.GetValueOrDefault(key);
                var detail = rule.Condition.Check(pair, tracker is not null);
                if (detail is not null)
                {
                    tracker ??= _trackers[key] = new Tracker(now);
                    tracker.Detail = detail;
                    if (!tracker.Raised && now - tracker.Since >= TimeSpan.FromMinutes(rule.Minutes))
                    {
                        tracker.Raised = true;
                        notices.Add(new AlertNotice(rule, pair, true, detail, tracker.Since, now));
                    }
                }
                else if (tracker is not null)
                {
                    _trackers.Remove(key);
                    if (tracker.Raised)
                    {
                        notices.Add(new AlertNotice(rule, pair, false, tracker.Detail, tracker.Since, now));
                    }
                }
            }
        }
        // A rule or pair that is gone (or a disabled rule) forgets its state quietly.
        foreach (var key in _trackers.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            _trackers.Remove(key);
        }
        return notices;
    }

    private sealed class Tracker(DateTimeOffset since)
    {
        public DateTimeOffset Since { get; } = since;
        public bool Raised { get; set; }
        public string Detail { get; set; } = "";
    }
}
