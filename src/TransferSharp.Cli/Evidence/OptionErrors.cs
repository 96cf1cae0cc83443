using TransferSharp.Training;

namespace TransferSharp.Cli.Evidence;

/// <summary>
/// Library errors in the CLI's words: an <see cref="OptionError"/> whose message starts with its field's name
/// (<c>Shots 5000: ...</c>) is reworded with the option's (<c>--shots 5000: ...</c>).
/// </summary>
internal static class OptionErrors
{
    public static T Named<T>(Func<T> create, params (string Field, string Option)[] options)
    {
        try
        {
            return create();
        }
        catch (InvalidOptionsException e)
        {
            throw new ArgumentException(string.Join("; ", e.Errors.Select(x =>
                options.FirstOrDefault(o => o.Field == x.Field) is { Option: not null } o && x.Message.StartsWith(x.Field, StringComparison.Ordinal)
                    ? o.Option + x.Message[x.Field.Length..]
                    : x.Message)), e);
        }
    }
}
