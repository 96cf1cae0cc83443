return TransferSharp.Cli.TransferApp.Run(args, Console.Error);
