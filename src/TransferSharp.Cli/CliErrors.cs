using Spectre.Console;
using Spectre.Console.Cli;

namespace TransferSharp.Cli;

/// <summary>Turns any failure into one line and exit code 2; <c>--verbose</c> adds the stack trace.</summary>
internal static class CliErrors
{
    public const int BadInput = 2;
    public const int Interrupted = 130;

    public static int Run(Func<int> app, bool verbose)
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
            Console.Error.WriteLine($"error: {OneLine(root.Message)}");
            if (verbose) Console.Error.WriteLine(e);
            return BadInput;
        }
    }

    /// <summary>The exception under wrappers that only say where it happened (type initialiser, reflection, tasks).</summary>
    internal static Exception Unwrap(Exception e)
    {
        while (e is AggregateException or TypeInitializationException or System.Reflection.TargetInvocationException && e.InnerException is not null)
            e = e.InnerException!;
        return e;
    }

    private static string OneLine(string s) => string.Join(' ', s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
