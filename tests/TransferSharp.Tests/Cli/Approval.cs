using System.Runtime.CompilerServices;

namespace TransferSharp.Tests.Cli;

/// <summary>
/// Approved-file snapshots: <c>Verify(name, text)</c> compares the text with <c>name.approved.txt</c>
/// in the test's source folder. On a difference it writes <c>name.received.txt</c> next to it and fails; to approve,
/// look at the received file and rename it (or run the tests with <c>APPROVE=1</c>, which overwrites the approved files).
/// </summary>
internal static class Approval
{
    public static void Verify(string folder, string name, string text, [CallerFilePath] string caller = "")
    {
        var dir = Path.Combine(Path.GetDirectoryName(caller)!, folder);
        var approved = Path.Combine(dir, name + ".approved.txt");
        var received = Path.Combine(dir, name + ".received.txt");
        text = Normalise(text);
        if (Environment.GetEnvironmentVariable("APPROVE") == "1")
        {
            Directory.CreateDirectory(dir);
            File.WriteAllText(approved, text);
        }
        var expected = File.Exists(approved) ? Normalise(File.ReadAllText(approved)) : null;
        if (expected == text)
        {
            if (File.Exists(received)) File.Delete(received);
            return;
        }
        Directory.CreateDirectory(dir);
        File.WriteAllText(received, text);
        Assert.Fail(expected is null
            ? $"no approved snapshot {approved}; review {received} and rename it to approve"
            : $"{name} differs from {approved}; review {received} (diff the two) and rename it to approve");
    }

    private static string Normalise(string s) =>
        string.Join('\n', s.Replace("\r\n", "\n").Split('\n').Select(l => l.TrimEnd())).Trim('\n') + "\n";
}
