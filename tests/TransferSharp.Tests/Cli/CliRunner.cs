using System.Diagnostics;

namespace TransferSharp.Tests.Cli;

/// <summary>Runs the built <c>transfer</c> program in its own process, as a user would.</summary>
internal static class CliRunner
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr);

    public static Outcome Run(string workingDirectory, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "transfer.dll");
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["COLUMNS"] = "200";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(4)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"transfer {string.Join(' ', args)} did not finish in 4 minutes");
        }
        return new Outcome(p.ExitCode, stdout.Result, stderr.Result);
    }
}
