namespace TransferSharp.Tests.Cli;

/// <summary>
/// The help text is a contract users read: one approved snapshot per command (Help/&lt;command&gt;.approved.txt).
/// A change to an option's name, description or default shows up here as a diff to review and approve
/// (<see cref="Approval"/>: received file beside the approved one; APPROVE=1 approves).
/// </summary>
public sealed class HelpTests
{
    public static TheoryData<string> Commands => new()
    {
        "", "train", "evaluate", "export", "predict", "zeroshot", "experiment transferability", "datasets list", "datasets show",
        "tour", "adapt", "finetune", "multitask", "selftaught learn", "selftaught cluster", "translate", "translate train", "rank",
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Help_matches_the_approved_text(string command)
    {
        var r = InProcess.Run([.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Error);
        var text = string.Join('\n', r.Output.Replace("\r\n", "\n").Split('\n').Select(l => l.TrimEnd()));
        Approval.VerifyText("Cli/Help", command == "" ? "transfer" : command.Replace(' ', '-'), text);
    }
}
