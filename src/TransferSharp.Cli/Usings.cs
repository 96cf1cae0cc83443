global using Spectre.Console;
global using Spectre.Console.Cli;
global using TransferSharp.Cli.Settings;
