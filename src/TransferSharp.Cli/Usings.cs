global using Spectre.Console;
global using Spectre.Console.Cli;
global using TransferSharp.Cli.Settings;
global using TransferSharp.Reporting;
global using System.ComponentModel;
