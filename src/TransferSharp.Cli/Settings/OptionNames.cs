using System.Reflection;
using TransferSharp.Training;

namespace TransferSharp.Cli.Settings;

/// <summary>
/// On a settings property: the library options field it sets, where the names differ (<c>--model</c> sets
/// <c>Architecture</c>). A property whose name is the field's needs none.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
internal sealed class FieldAttribute(string field) : Attribute
{
    public string Field { get; } = field;
}

/// <summary>
/// Says a library <see cref="OptionError"/> in the command's own words: its <see cref="OptionError.Field"/> is found on
/// the settings type (a property of that name, or one marked <see cref="FieldAttribute"/>) and that property's
/// <see cref="CommandOptionAttribute"/> gives the option, so "learning rate must be positive, got -1" becomes
/// "--lr must be positive, got -1".
/// </summary>
internal static class OptionNames
{
    /// <summary>The long option (<c>--lr</c>) that sets <paramref name="field"/> on <paramref name="settings"/>; null if none does.</summary>
    /// <param name="settings">A <see cref="CommandSettings"/> type.</param>
    /// <param name="field">A property name, or a dotted path for a nested record (<c>Training.Epochs</c>): the full path is tried, then its last part.</param>
    public static string? Option(Type settings, string field)
    {
        var options = settings.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Option: p.GetCustomAttribute<CommandOptionAttribute>()))
            .Where(p => p.Option is { LongNames.Count: > 0 })
            .ToArray();
        foreach (var name in new[] { field, Last(field) }.Distinct())
        {
            var explicitly = options.FirstOrDefault(p => p.Property.GetCustomAttributes<FieldAttribute>().Any(f => f.Field == name));
            if (explicitly.Option is not null) return "--" + explicitly.Option.LongNames[0];
            var named = options.FirstOrDefault(p => p.Property.Name == name && !p.Property.IsDefined(typeof(FieldAttribute)));
            if (named.Option is not null) return "--" + named.Option.LongNames[0];
        }
        return null;
    }

    /// <summary>The long option declared on the settings property <paramref name="property"/>; null if it is not an option.</summary>
    public static string? OfProperty(Type settings, string property) =>
        settings.GetProperty(property)?.GetCustomAttribute<CommandOptionAttribute>() is { LongNames.Count: > 0 } option ? "--" + option.LongNames[0] : null;

    /// <summary>
    /// The error naming the option: the library's words for the field (<c>LearningRate</c> → "learning rate") are
    /// replaced by the option when the message starts with them, otherwise the option leads; unchanged when no option sets the field.
    /// </summary>
    public static string Message(Type settings, OptionError error)
    {
        if (Option(settings, error.Field) is not { } option) return error.Message;
        var words = Words(Last(error.Field));
        return error.Message.StartsWith(words + " ", StringComparison.OrdinalIgnoreCase)
            ? option + error.Message[words.Length..]
            : $"{option}: {error.Message}";
    }

    /// <summary>Success, or every error in the command's words joined by "; ".</summary>
    public static ValidationResult Check(CommandSettings settings, IEnumerable<OptionError> errors)
    {
        var messages = errors.Select(e => Message(settings.GetType(), e)).ToArray();
        return messages.Length == 0 ? ValidationResult.Success() : ValidationResult.Error(string.Join("; ", messages));
    }

    private static string Last(string field) => field[(field.LastIndexOf('.') + 1)..];

    /// <summary><c>LearningRate</c> → <c>learning rate</c>.</summary>
    internal static string Words(string name) =>
        string.Concat(name.Select((ch, i) => char.IsUpper(ch) && i > 0 && !char.IsUpper(name[i - 1]) ? $" {char.ToLowerInvariant(ch)}" : char.ToLowerInvariant(ch).ToString()));
}
