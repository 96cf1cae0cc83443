using TransferSharp.Training;

namespace TransferSharp.Cli;

/// <summary>
/// Exit codes and error lines. Bad input (a wrong option, a missing or malformed file) is one line and exit 2; a
/// diverged training run is one line and exit 1; anything else is a bug: "internal error", exit 1. <c>--verbose</c> adds the stack trace to either.
/// </summary>
internal static class CliErrors
{
    public const int Bug = 1;
    public const int BadInput = 2;
    public const int Interrupted = 130;

    /// <summary>
    /// Runs <paramref name="app"/> and turns what it throws into an exit code and a line on <paramref name="error"/>
    /// (with the stack trace when <paramref name="verbose"/>); <paramref name="settings"/> gives the settings type of the
    /// command that ran, to name the options of an <see cref="InvalidOptionsException"/>.
    /// </summary>
    public static int Run(Func<int> app, bool verbose, TextWriter error, Func<Type?>? settings = null)
    {
        try
        {
            return app();
        }
        catch (OperationCanceledException)
        {
            AnsiConsole.MarkupLine("[yellow]interrupted[/]");
            return Interrupted;
        }
        catch (Exception e)
        {
            var root = e is CommandRuntimeException or CommandParseException ? e : Unwrap(e);
            bool badInput = IsBadInput(root);
            var message = root switch
            {
                InvalidOptionsException invalid when settings?.Invoke() is { } type => string.Join("; ", invalid.Errors.Select(x => OptionNames.Message(type, x))),
                // A failed run, not a bug: the user's learning rate (or data) made the loss NaN or infinite.
                NonFiniteLossException d => FormattableString.Invariant($"training diverged: loss {d.Loss} at epoch {d.Epoch} step {d.Step}; lower --lr"),
                _ => OneLine(root.Message),
            };
            error.WriteLine(badInput || root is NonFiniteLossException ? $"error: {message}" : $"internal error: {message}{(verbose ? "" : " (run with --verbose for the stack trace)")}");
            if (verbose) error.WriteLine(e);
            return badInput ? BadInput : Bug;
        }
    }

    /// <summary>What the user can fix: a bad option or argument (invalid options are argument exceptions), or a file that is missing, unreadable or malformed.</summary>
    internal static bool IsBadInput(Exception e) =>
        e is ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException
            or CommandParseException or CommandRuntimeException;

    /// <summary>The exception under wrappers that only say where it happened (type initialiser, reflection, tasks).</summary>
    internal static Exception Unwrap(Exception e)
    {
        while (e is AggregateException or TypeInitializationException or System.Reflection.TargetInvocationException && e.InnerException is not null)
            e = e.InnerException!;
        return e;
    }

    private static string OneLine(string s) => string.Join(' ', s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
