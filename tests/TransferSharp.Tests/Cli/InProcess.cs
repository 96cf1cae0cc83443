using Spectre.Console.Cli.Testing;
using Spectre.Console.Testing;
using TransferSharp.Cli;

namespace TransferSharp.Tests.Cli;

/// <summary>
/// Runs <c>transfer</c> in this process through Spectre's <see cref="CommandAppTester"/>, with the app's own command
/// tree (<see cref="TransferApp.Configure"/>) and error handling (<see cref="CliErrors"/>). The console is 100
/// columns wide, so help text wraps the same on every machine. What commands write through the static
/// <c>AnsiConsole</c> (tables, progress) is not captured: these tests are about exit codes, error lines and help.
/// </summary>
internal static class InProcess
{
    public const int Width = 100;

    public sealed record Outcome(int ExitCode, string Output, string Error)
    {
        /// <summary>The single line on standard error; fails if there are more or none.</summary>
        public string ErrorLine => Assert.Single(Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    public static Outcome Run(params string[] args)
    {
        var console = new TestConsole().Width(Width);
        var tester = new CommandAppTester(null, new CommandAppTesterSettings(), console);
        var recorder = new SettingsRecorder();
        tester.Configure(config => TransferApp.Configure(config, recorder));
        using var error = new StringWriter();
        string output = "";
        int code = CliErrors.Run(() =>
        {
            var result = tester.Run(args);
            output = result.Output;
            return result.ExitCode;
        }, args.Contains("--verbose"), error, () => recorder.Settings?.GetType(), args);
        return new Outcome(code, output == "" ? console.Output : output, error.ToString());
    }
}
