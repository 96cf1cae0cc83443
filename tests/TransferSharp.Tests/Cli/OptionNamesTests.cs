using TransferSharp.Cli;
using TransferSharp.Cli.Commands;
using TransferSharp.Cli.Settings;
using TransferSharp.Training;

namespace TransferSharp.Tests.Cli;

public sealed class OptionNamesTests
{
    [Theory]
    [InlineData("LearningRate", "--lr")]
    [InlineData("Epochs", "--epochs")]
    [InlineData("Training.Epochs", "--epochs")]
    [InlineData("BatchSize", "--batch-size")]
    [InlineData("Architecture", "--model")]
    [InlineData("ConseTop", "--top")]
    [InlineData("MarginLoss", "--loss")]
    [InlineData("Threads", "--threads")]
    public void A_field_maps_to_the_option_that_sets_it(string field, string option) =>
        Assert.Equal(option, OptionNames.Option(typeof(ZeroShotCommand.Settings), field));

    [Fact]
    public void A_field_no_option_sets_has_no_name_and_keeps_its_message()
    {
        Assert.Null(OptionNames.Option(typeof(ZeroShotCommand.Settings), "InitialLogVariance"));
        // A property renamed by [Field] no longer answers to its own name: --model sets Architecture, not "Model".
        Assert.Null(OptionNames.Option(typeof(ZeroShotCommand.Settings), "Model"));
        var error = new OptionError("InitialLogVariance", "initial log variance must be finite, got NaN");
        Assert.Equal(error.Message, OptionNames.Message(typeof(ZeroShotCommand.Settings), error));
    }

    [Theory]
    [InlineData("LearningRate", "learning rate must be positive, got -1", "--lr must be positive, got -1")]
    [InlineData("Training.BatchSize", "batch size must be at least 1, got 0", "--batch-size must be at least 1, got 0")]
    [InlineData("ConseTop", "ConSE top T must be at least 1, got 0", "--top T must be at least 1, got 0")]
    [InlineData("Architecture", "architecture 'vgg' is unknown", "--model 'vgg' is unknown")]
    [InlineData("Margin", "the margin must be positive", "--margin: the margin must be positive")]
    public void The_message_names_the_option(string field, string message, string expected) =>
        Assert.Equal(expected, OptionNames.Message(typeof(ZeroShotCommand.Settings), new OptionError(field, message)));

    [Fact]
    public void Check_joins_every_error_in_the_commands_words()
    {
        var settings = new TrainCommand.Settings();
        Assert.True(OptionNames.Check(settings, Array.Empty<OptionError>()).Successful);
        var result = OptionNames.Check(settings, new OptionError[] { new("Epochs", "epochs must be at least 1, got 0"), new("Patience", "patience must be non-negative, got -2") });
        Assert.False(result.Successful);
        Assert.Equal("--epochs must be at least 1, got 0; --patience must be non-negative, got -2", result.Message);
    }

    [Fact]
    public void Every_option_of_every_command_is_declared_once_per_settings_type()
    {
        // Spectre refuses two properties with one option name; this pins that the bases compose without clashes.
        foreach (var type in typeof(CommonSettings).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Spectre.Console.Cli.CommandSettings)) && !t.IsAbstract))
        {
            var names = type.GetProperties()
                .Select(p => p.GetCustomAttributes(typeof(Spectre.Console.Cli.CommandOptionAttribute), true).Cast<Spectre.Console.Cli.CommandOptionAttribute>().FirstOrDefault())
                .Where(a => a is not null).SelectMany(a => a!.LongNames).ToList();
            Assert.True(names.Count == names.Distinct().Count(), $"{type.Name}: {string.Join(", ", names.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key))}");
        }
    }
}

public sealed class TrainerSettingsTests
{
    private sealed record Family : TrainerOptions
    {
        public Family() { Epochs = 4; LearningRate = 2e-3; Schedule = ScheduleKind.InverseDecay; }
    }

    [Fact]
    public void Values_not_given_keep_the_records_own_defaults()
    {
        var applied = new TrainCommand.Settings().ApplyTo(new Family());
        Assert.Equal(new Family(), applied);
    }

    [Fact]
    public void Given_values_replace_only_their_fields_and_keep_the_derived_type()
    {
        var settings = new TrainCommand.Settings { Epochs = 7, Optimizer = "adamw", Momentum = 0.5, WeightDecay = 0.01, Schedule = "step", Seed = 3, Threads = 2 };
        Family applied = settings.ApplyTo(new Family());
        Assert.Equal(new Family() with
        {
            Epochs = 7, Optimizer = OptimizerKind.AdamW, Momentum = 0.5, WeightDecay = 0.01, Schedule = ScheduleKind.Step, Seed = 3, Threads = 2,
        }, applied);
    }

    [Fact]
    public void Sgd_without_lr_takes_the_sgd_rate_and_an_explicit_lr_wins()
    {
        Assert.Equal(TrainerSettings.SgdLearningRate, new TrainCommand.Settings { Optimizer = "sgd" }.ApplyTo(new Family()).LearningRate);
        Assert.Equal(0.2, new TrainCommand.Settings { Optimizer = "sgd", LearningRate = 0.2 }.ApplyTo(new Family()).LearningRate);
        Assert.Equal(0.2, new TrainCommand.Settings { Optimizer = "sgd", LearningRate = 0.2 }.ApplyTo(new TrainingOptions()).LearningRate);
        Assert.Equal(new TrainingOptions().LearningRate, new TrainCommand.Settings().ApplyTo(new TrainingOptions()).LearningRate);
    }

    [Fact]
    public void Train_without_options_trains_with_the_librarys_defaults() =>
        Assert.Equal(new TrainingOptions(), new TrainCommand.Settings().ToOptions());

    [Fact]
    public void Size_defaults_to_the_librarys_and_a_given_size_is_marked()
    {
        var none = new TrainCommand.Settings();
        Assert.Equal(new TransferSharp.Data.DataOptions().ImageSize, none.Size);
        Assert.False(none.WasGiven(nameof(none.Size)));
        var given = new TrainCommand.Settings { Size = 32 };
        Assert.Equal(32, given.Size);
        Assert.True(given.WasGiven(nameof(given.Size)));
    }
}

public sealed class CliErrorsTests
{
    private static (int Code, string Error) Run(Func<int> app, bool verbose = false, Type? settings = null)
    {
        using var error = new StringWriter();
        int code = CliErrors.Run(app, verbose, error, () => settings);
        return (code, error.ToString());
    }

    [Theory]
    [InlineData(typeof(NullReferenceException))]
    [InlineData(typeof(InvalidOperationException))]
    [InlineData(typeof(IndexOutOfRangeException))]
    [InlineData(typeof(KeyNotFoundException))]
    public void A_bug_is_an_internal_error_with_exit_1(Type exception)
    {
        var (code, error) = Run(() => throw (Exception)Activator.CreateInstance(exception, "it broke")!);
        Assert.Equal(CliErrors.Bug, code);
        Assert.Equal("internal error: it broke (run with --verbose for the stack trace)", error.Trim());
    }

    [Fact]
    public void Verbose_adds_the_stack_trace_to_a_bug()
    {
        var (code, error) = Run(() => throw new NullReferenceException("it broke"), verbose: true);
        Assert.Equal(CliErrors.Bug, code);
        Assert.StartsWith("internal error: it broke" + Environment.NewLine, error);
        Assert.Contains("   at ", error);
    }

    [Theory]
    [InlineData(typeof(ArgumentException))]
    [InlineData(typeof(ArgumentOutOfRangeException))]
    [InlineData(typeof(InvalidDataException))]
    [InlineData(typeof(FileNotFoundException))]
    [InlineData(typeof(DirectoryNotFoundException))]
    [InlineData(typeof(IOException))]
    [InlineData(typeof(UnauthorizedAccessException))]
    public void Bad_input_is_one_line_with_exit_2(Type exception)
    {
        var (code, error) = Run(() => throw (Exception)Activator.CreateInstance(exception, "bad thing")!);
        Assert.Equal(CliErrors.BadInput, code);
        Assert.Contains("bad thing", error);
        Assert.StartsWith("error: ", error);
    }

    [Fact]
    public void Wrapped_bad_input_is_still_bad_input()
    {
        var (code, error) = Run(() => throw new System.Reflection.TargetInvocationException(new InvalidDataException("bad file")));
        Assert.Equal(CliErrors.BadInput, code);
        Assert.Equal("error: bad file", error.Trim());
    }

    [Fact]
    public void A_diverged_run_is_one_line_with_exit_1_not_an_internal_error()
    {
        var (code, error) = Run(() => throw new System.Reflection.TargetInvocationException(new NonFiniteLossException(2, 7, double.NaN)));
        Assert.Equal(CliErrors.Bug, code);
        Assert.Equal("error: training diverged: loss NaN at epoch 2 step 7; lower --lr; no epoch finished, so no checkpoint was written", error.Trim());
    }

    [Fact]
    public void Invalid_options_thrown_while_running_name_the_commands_options()
    {
        var (code, error) = Run(() => throw new InvalidOptionsException([new("LearningRate", "learning rate must be positive, got -1"), new("Training.Epochs", "epochs must be at least 1, got 0")]),
            settings: typeof(TrainCommand.Settings));
        Assert.Equal(CliErrors.BadInput, code);
        Assert.Equal("error: --lr must be positive, got -1; --epochs must be at least 1, got 0", error.Trim());
    }
}
