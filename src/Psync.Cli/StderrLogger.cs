using Microsoft.Extensions.Logging;

namespace Psync.Cli;

/// <summary>A logger factory that writes one line per message to stderr, from a minimum level (psync's -d).</summary>
internal sealed class StderrLoggerFactory(TextWriter output, LogLevel minimum, TimeProvider clock) : ILoggerFactory, ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly LogLevel _minimum = minimum;

    /// <summary>-d 0..3: warnings, info, debug (event tracking), trace.</summary>
    public static LogLevel LevelFor(int debug) => debug switch
    {
        <= 0 => LogLevel.Warning,
        1 => LogLevel.Information,
        2 => LogLevel.Debug,
        _ => LogLevel.Trace,
    };

    public ILogger CreateLogger(string categoryName) => new StderrLogger(this, ShortName(categoryName));

    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("psync logs to stderr only");

    public void Dispose()
    {
    }

    private static string ShortName(string category) =>
        category.LastIndexOf('.') is var dot and >= 0 ? category[(dot + 1)..] : category;

    private static string Label(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };

    private void Write(LogLevel level, string category, string message, Exception? exception)
    {
        var line = $"{clock.GetLocalNow():HH:mm:ss.fff} {Label(level)} {category}: {message}";
        if (exception is not null)
        {
            line += Environment.NewLine + exception;
        }
        lock (_gate)
        {
            output.WriteLine(line);
        }
    }

    private sealed class StderrLogger(StderrLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= owner._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Write(logLevel, category, formatter(state, exception), exception);
            }
        }
    }
}
