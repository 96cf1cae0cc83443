using TransferSharp.Data;

namespace TransferSharp.Cli.Commands;

/// <summary>The library's <see cref="TrainingSplit"/> with the CLI's option names in its errors.</summary>
internal static class TrainingParts
{
    /// <summary>Loads <paramref name="data"/> (then <paramref name="prepare"/>, which takes ownership) and splits it in memory.</summary>
    public static TrainingSplit InMemory(DataSettings data, double testFraction, double validationFraction, int seed,
        string option = "--data", Func<Dataset, Dataset>? prepare = null, int? shots = null)
    {
        using var all = (prepare ?? (d => d))(data.LoadData());
        if (!all.HasLabels) throw new ArgumentException($"{option} {data.Data}: the dataset has no labels to train on");
        try
        {
            return TrainingSplit.InMemory(all, testFraction, validationFraction, seed, shots);
        }
        catch (ArgumentException e) when (shots is not null && e.Message.StartsWith("shots ", StringComparison.Ordinal))
        {
            throw new ArgumentException("--" + e.Message);
        }
    }

    /// <summary>Lists an image folder and splits it, streamed.</summary>
    public static TrainingSplit Streamed(string folder, int size, bool rgb, StreamingOptions options, double testFraction,
        double validationFraction, int seed, string option = "--data", Func<IBatchSource, IBatchSource>? prepare = null)
    {
        if (!Directory.Exists(folder)) throw new ArgumentException(StreamChoice.NotAFolder(option, folder));
        return TrainingSplit.Streamed(folder, size, rgb, options, testFraction, validationFraction, seed, prepare);
    }
}
