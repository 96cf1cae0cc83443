namespace TransferSharp.Cli;

/// <summary>
/// Runs a command's body with a token that Ctrl+C cancels instead of killing the process, so a trainer stops at its
/// next step and the command can still report or clean up; the handler is removed when the body returns.
/// </summary>
internal static class CtrlC
{
    public static int Run(CancellationToken outer, Func<CancellationToken, int> body)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(outer);
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try { return body(cancel.Token); }
        finally { Console.CancelKeyPress -= onCancel; }
    }
}
