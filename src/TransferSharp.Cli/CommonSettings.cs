using System.ComponentModel;
using Spectre.Console.Cli;

namespace TransferSharp.Cli;

/// <summary>Options every command takes.</summary>
internal class CommonSettings : CommandSettings
{
    [CommandOption("--seed <SEED>")]
    [Description("Seeds initialisation, splits and shuffles. Default 0.")]
    public int Seed { get; init; }

    [CommandOption("--threads <N>")]
    [Description("CPU threads; 0 = all cores (default).")]
    public int Threads { get; init; }

    [CommandOption("--verbose")]
    [Description("Show the stack trace of an error.")]
    public bool Verbose { get; init; }

    public override ValidationResult Validate() =>
        Threads < 0 ? ValidationResult.Error($"--threads must be 0 or more, got {Threads}") : ValidationResult.Success();
}
