namespace Psync.Web.Alerts;

public sealed class AlertOptions
{
    public const string SectionName = "Alerts";

    /// <summary>How often the pairs are checked against the rules.</summary>
    public TimeSpan EvaluateInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts per delivery before it is marked failed.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait before the first retry; it doubles with each further one.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one attempt may take (connect, send, answer).</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the delivery log is kept.</summary>
    public TimeSpan DeliveryRetention { get; set; } = TimeSpan.FromDays(30);
}
