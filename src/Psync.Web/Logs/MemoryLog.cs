using Microsoft.Extensions.Options;

namespace Psync.Web.Logs;

/// <summary>One line of the app's log, as the log page shows it.</summary>
public sealed record LogLine(long Id, DateTimeOffset Time, LogLevel Level, string Category, string Message);

/// <summary>
/// The app's recent log lines in memory (a ring of <see cref="Capacity"/>), for the admin's log
/// page, and the minimum level every log provider writes at, which that page switches at runtime.
/// </summary>
public sealed class MemoryLog(TimeProvider clock)
{
    public const int Capacity = 2000;

    private readonly Lock _lock = new();
    private readonly Queue<LogLine> _lines = new();
    private long _next;

    /// <summary>The lowest level written by every provider (console too); categories configured more specifically keep their own.</summary>
    public LogLevel MinimumLevel { get; set; } = LogLevel.Information;

    /// <summary>The kept lines, newest first.</summary>
    public IReadOnlyList<LogLine> Lines
    {
        get
        {
            lock (_lock)
            {
                return [.. _lines.Reverse()];
            }
        }
    }

    public void Add(LogLevel level, string category, string message)
    {
        lock (_lock)
        {
            _lines.Enqueue(new LogLine(++_next, clock.GetUtcNow(), level, category, message));
            while (_lines.Count > Capacity)
            {
                _lines.Dequeue();
            }
        }
    }
}

/// <summary>Writes every log line that passes the filters into <see cref="MemoryLog"/>.</summary>
[ProviderAlias("Memory")]
public sealed class MemoryLogProvider(MemoryLog log) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(log, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(MemoryLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            log.Add(logLevel, category, exception is null ? message : $"{message} ({exception.GetType().Name}: {exception.Message})");
        }
    }
}

public static class MemoryLogExtensions
{
    /// <summary>The in-memory log and its level switch: a filter rule, added after the configuration's, that every provider asks on each line.</summary>
    public static ILoggingBuilder AddPsyncMemoryLog(this ILoggingBuilder logging)
    {
        logging.Services.AddSingleton<MemoryLog>();
        logging.Services.AddSingleton<ILoggerProvider, MemoryLogProvider>();
        logging.Services.AddSingleton<IConfigureOptions<LoggerFilterOptions>>(sp => new ConfigureOptions<LoggerFilterOptions>(o =>
        {
            var log = sp.GetRequiredService<MemoryLog>();
            o.Rules.Add(new LoggerFilterRule(null, null, LogLevel.Trace, (_, _, level) => level >= log.MinimumLevel));
        }));
        return logging;
    }
}
