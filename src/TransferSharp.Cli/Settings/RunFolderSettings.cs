
namespace TransferSharp.Cli.Settings;

/// <summary>Where a command that leaves evidence puts its run folder.</summary>
internal class RunFolderSettings : ImageSettings
{
    [CommandOption("--runs <FOLDER>")]
    [Description("Where run folders go. Default runs.")]
    public string Runs { get; init { field = value; Mark(); } } = "runs";

    /// <summary>A new <c>runs/&lt;command&gt;-&lt;time&gt;/</c> folder.</summary>
    public RunFolder CreateRun(string command) => RunFolder.Create(Runs, command);
}
