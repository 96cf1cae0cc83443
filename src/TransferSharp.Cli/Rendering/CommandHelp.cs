using System.Text.RegularExpressions;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace TransferSharp.Cli.Rendering;

/// <summary>
/// Spectre's help, with each command's own defaults: an option declared once in a shared settings base has one
/// description, so its "Default ..." tail is filled in from the command's settings (<see cref="CommonSettings.HelpDefault"/>),
/// and options the command does not take (<see cref="CommonSettings.Applies"/>) are left out.
/// </summary>
internal sealed partial class CommandHelp(ICommandAppSettings settings) : HelpProvider(settings)
{
    public override IEnumerable<IRenderable> GetOptions(ICommandModel model, ICommandInfo? command) =>
        base.GetOptions(model, command is not null && SettingsOf(command) is { } s ? new Tailored(command, s) : command);

    /// <summary>A fresh settings object of the command (Spectre keeps its type on the command, not on the interface).</summary>
    private static CommonSettings? SettingsOf(ICommandInfo command) =>
        command.GetType().GetProperty("SettingsType")?.GetValue(command) is Type { IsAbstract: false } type
        && typeof(CommonSettings).IsAssignableFrom(type) && type.GetConstructor(Type.EmptyTypes) is not null
            ? (CommonSettings)Activator.CreateInstance(type)! : null;

    [GeneratedRegex(@"\s*Default[ :].*$", RegexOptions.Singleline)]
    private static partial Regex DefaultTail();

    /// <summary>The command as the help sees it: the options it takes, each with its own default.</summary>
    private sealed class Tailored(ICommandInfo command, CommonSettings settings) : ICommandInfo
    {
        public string Name => command.Name;
        public string? Description => command.Description;
        public bool IsBranch => command.IsBranch;
        public bool IsDefaultCommand => command.IsDefaultCommand;
        public bool IsHidden => command.IsHidden;
        public ICommandInfo? Parent => command.Parent;
        public IReadOnlyList<string[]> Examples => command.Examples;
        public IReadOnlyList<ICommandInfo> Commands => command.Commands;
        public ICommandInfo? DefaultCommand => command.DefaultCommand;

        public IReadOnlyList<ICommandParameter> Parameters { get; } = command.Parameters
            .Where(p => p is not ICommandParameterInfo info || settings.Applies(info.PropertyName))
            .Select(p => p is ICommandOption option and ICommandParameterInfo info && settings.HelpDefault(info.PropertyName) is { } value
                ? new OptionWithDefault(option, DefaultTail().Replace(option.Description ?? "", "").TrimEnd('.') + $". Default {value}")
                : p)
            .ToList();
    }

    private sealed class OptionWithDefault(ICommandOption option, string description) : ICommandOption
    {
        public IReadOnlyList<string> LongNames => option.LongNames;
        public IReadOnlyList<string> ShortNames => option.ShortNames;
        public string? ValueName => option.ValueName;
        public bool ValueIsOptional => option.ValueIsOptional;
        public bool IsFlag => option.IsFlag;
        public bool IsRequired => option.IsRequired;
        public string? Description => description;
        public DefaultValueAttribute? DefaultValue => option.DefaultValue;
        public bool IsHidden => option.IsHidden;
    }
}
