using TransferSharp.Cli;
using TransferSharp.DomainAdaptation;
using TransferSharp.Training;

namespace TransferSharp.Tests.Cli;

[Collection("Sequential")]
public sealed class OptionValuesTests
{
    [Theory]
    [InlineData("adam", OptimizerKind.Adam)]
    [InlineData("ADAMW", OptimizerKind.AdamW)]
    [InlineData("Sgd", OptimizerKind.Sgd)]
    public void Names_parse_case_insensitively(string given, OptimizerKind expected) =>
        Assert.Equal(expected, OptionValues.ParseEnum<OptimizerKind>(given));

    [Theory]
    [InlineData("inverse-decay")]
    [InlineData("Inverse-Decay")]
    [InlineData("inversedecay")]
    [InlineData("InverseDecay")]
    public void Kebab_case_and_the_plain_name_both_parse(string given) =>
        Assert.Equal(ScheduleKind.InverseDecay, OptionValues.ParseEnum<ScheduleKind>(given));

    [Fact]
    public void Every_kebab_spelling_of_a_multi_word_value_parses() =>
        Assert.Equal(ScheduleKind.InverseDecay, OptionValues.ParseEnum<ScheduleKind>("inverse-decay"));

    [Theory]
    [InlineData("1")]      // Enum.TryParse: Adam
    [InlineData("7")]      // Enum.TryParse: an undefined value
    [InlineData("-1")]
    [InlineData("0x1")]
    [InlineData("sgd,adam")] // Enum.TryParse: Sgd | Adam
    [InlineData(" adam")]
    [InlineData("")]
    [InlineData("ad-am")]
    [InlineData("adamx")]
    public void Numbers_lists_and_unknown_names_are_rejected(string given) =>
        Assert.Null(OptionValues.ParseEnum<OptimizerKind>(given));

    [Theory]
    [InlineData("inverse--decay")]
    [InlineData("-cosine")]
    [InlineData("2")]
    public void Misplaced_dashes_and_numbers_are_rejected_for_schedules_too(string given) =>
        Assert.Null(OptionValues.ParseEnum<ScheduleKind>(given));

    [Theory]
    [InlineData("--optimizer", "7", "--optimizer '7' is unknown (choose adam, adamw, sgd)")]
    [InlineData("--optimizer", "1", "--optimizer '1' is unknown (choose adam, adamw, sgd)")]
    [InlineData("--schedule", "2", "--schedule '2' is unknown (choose")]
    public void Train_rejects_a_number_for_an_enum_option_before_making_a_run_folder(string option, string value, string expected)
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "train", "--data", "optdigits:0-1", "--model", "mlp", "--epochs", "1", option, value);
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }
}
