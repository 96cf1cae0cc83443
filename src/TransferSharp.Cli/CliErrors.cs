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
    public static int Run(Func<int> app, bool verbose, TextWriter error, Func<Type?>? settings = null, string[]? args = null)
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
                NonFiniteLossException d => Diverged(d),
                _ when IsOutOfMemory(root) => $"out of memory: {OneLine(root.Message)}",
                CommandParseException or CommandRuntimeException when ConversionFailure(root.Message, args) is { } conversion => conversion,
                _ => OneLine(root.Message),
            };
            bool failedRun = root is NonFiniteLossException || IsOutOfMemory(root);
            error.WriteLine(badInput || failedRun ? $"error: {message}" : $"internal error: {message}{(verbose ? "" : " (run with --verbose for the stack trace)")}");
            if (verbose) error.WriteLine(e);
            return badInput ? BadInput : Bug;
        }
        finally
        {
            RunFolder.ReleaseLocks();
        }
    }

    /// <summary>
    /// Refuses NaN and infinities in every floating-point option of every command before it runs: a range check such
    /// as <c>x &lt; 0</c> lets NaN through, and <c>--weight-decay NaN</c> trained a model of NaN.
    /// </summary>
    /// <exception cref="ArgumentException">Names the first such option.</exception>
    internal static void RequireFiniteOptions(CommandSettings settings)
    {
        foreach (var p in settings.GetType().GetProperties())
        {
            if (p.GetValue(settings) is not (double or float) || OptionNames.OfProperty(settings.GetType(), p.Name) is not { } option) continue;
            double v = Convert.ToDouble(p.GetValue(settings), System.Globalization.CultureInfo.InvariantCulture);
            if (!double.IsFinite(v)) throw new ArgumentException(FormattableString.Invariant($"{option} must be a finite number, got {v}"));
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

    /// <summary>
    /// The message on one line, without libtorch's C++ backtrace (<c>frame #0: c10::...</c>, "Exception raised from"),
    /// which is kilobytes of addresses; <c>--verbose</c> still prints the whole exception.
    /// </summary>
    internal static string OneLine(string s)
    {
        foreach (var marker in NativeTraceMarkers)
            if (s.IndexOf(marker, StringComparison.Ordinal) is var i and >= 0) s = s[..i];
        return string.Join(' ', s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd(' ', ':');
    }

    private static readonly string[] NativeTraceMarkers = ["frame #0", "Exception raised from "];

    /// <summary>A failed allocation: .NET's, or libtorch's allocator refusing (an external exception).</summary>
    internal static bool IsOutOfMemory(Exception e) =>
        e is OutOfMemoryException or InsufficientMemoryException
        || (e is System.Runtime.InteropServices.ExternalException && e.Message.Contains("can't allocate memory", StringComparison.Ordinal));

    private static string Diverged(NonFiniteLossException d) => FormattableString.Invariant(
        $"training diverged: {(d.Quantity == "loss" ? $"loss {d.Loss}" : $"non-finite {d.Quantity}")} at epoch {d.Epoch} step {d.Step}; lower --lr; ") +
        (d.LastGoodEpoch > 0 ? $"the last good checkpoint (epoch {d.LastGoodEpoch}) is kept in the run folder" : "no epoch finished, so no checkpoint was written");

    /// <summary>
    /// Spectre's "Failed to convert 'X' to Nullable`1." with the option it was given to and no .NET type name, e.g.
    /// "--epochs: '99999999999' is not a valid number (a whole number up to 2147483647)".
    /// </summary>
    internal static string? ConversionFailure(string message, string[]? args)
    {
        var m = System.Text.RegularExpressions.Regex.Match(message, @"^Failed to convert '(.*)' to ([^ ]+?)\.?$", System.Text.RegularExpressions.RegexOptions.Singleline);
        if (!m.Success) return null;
        string value = m.Groups[1].Value;
        int at = args is null ? -1 : Array.LastIndexOf(args, value);
        string option = at > 0 && args![at - 1].StartsWith('-') ? args[at - 1] : at >= 0 && args![at].Contains('=') ? args[at].Split('=')[0] : "an option";
        return $"{option}: '{value}' is not a valid value (a number in range, e.g. a whole number up to {int.MaxValue} for counts)";
    }
}
