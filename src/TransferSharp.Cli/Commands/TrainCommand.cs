using TransferSharp.Cli.Rendering;
using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Cli.Commands;

/// <summary><c>transfer train</c>: train one model on one dataset, evaluate it on a held-out split.</summary>
internal sealed class TrainCommand : Command<TrainCommand.Settings>
{
    internal sealed class Settings : ModelDataSettings
    {
        protected override bool StopsEarly => true;
        protected override bool Streams => true;
        protected override TrainerOptions LibraryDefaults => new TrainingOptions();
        [CommandOption("--resume <RUN_FOLDER>")]
        [Description("Continue an interrupted run from its folder. Its settings are reused: --epochs may extend it, --threads and --decode-threads may change; any other option must repeat the run's value.")]
        public string? Resume { get; init; }

        public override ValidationResult Validate()
        {
            // With --resume only the honoured options are checked here; the rest are compared with the run's (TrainResume).
            if (Resume is not null)
                return OptionNames.Check(this, [.. new TrainingOptions { Epochs = Epochs ?? 1, Threads = Threads }.Validate(),
                    .. DecodeThreads is { } t ? new StreamingOptions { DecodeThreads = t }.Validate() : []]);
            var b = base.Validate();
            if (!b.Successful) return b;
            if (StreamChoice.Error(Stream, DecodeThreads, "--data", Data, Resize) is { } streamError) return ValidationResult.Error(streamError);
            return OptionNames.Check(this, ToOptions().Validate());
        }

        public TrainingOptions ToOptions() => ApplyTo(new TrainingOptions { Patience = Patience ?? 0 });
    }

    /// <summary>What <c>run.json</c> keeps so that <c>--resume</c> can rebuild the same run.</summary>
    internal sealed record RunSettings(string Data, string Model, int Size, int? Resize, int? Channels, double TestFraction,
        double ValidationFraction, TrainingOptions Options, bool Stream = false, int? DecodeThreads = null);

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        CtrlC.Run(cancellationToken, token => Train(settings, token));

    private static int Train(Settings settings, CancellationToken cancellation)
    {
        // A new run's folder is created once the data and model are known to be good, so bad input leaves no folder.
        RunFolder? run = settings.Resume is { } folder ? RunFolder.Open(folder) : null;
        var rs = run is null
            ? new RunSettings(settings.Data!, settings.Model, settings.Size, settings.Resize, settings.Channels,
                settings.TestFraction, settings.ValidationFraction, settings.ToOptions(), settings.Stream, settings.DecodeThreads)
            : TrainResume.Apply(run.ReadJson<RunSettings>(run.Settings), settings, settings.Resume!);
        CheckpointInfo? resumed = null;
        if (run is not null && File.Exists(Checkpoint.SidecarPath(run.Checkpoint)))   // no sidecar: killed before its first save, start over
        {
            resumed = Checkpoint.ReadInfo(run.Checkpoint);
            Checkpoint.Verify(run.Checkpoint, resumed);
            TrainResume.Check(run, rs, resumed, settings.Resume!);
            run.WriteJson(run.Settings, rs);
        }
        var options = rs.Options;
        int threads = Seeding.SetThreads(options.Threads);
        Seeding.SeedEverything(options.Seed);
        using var data = rs.Stream
            ? TrainingParts.Streamed(rs.Data, rs.Size, rgb: rs.Channels != 1, StreamChoice.Options(rs.DecodeThreads), rs.TestFraction, rs.ValidationFraction, options.Seed)
            : TrainingParts.InMemory(new DataSettings { Data = rs.Data, Size = rs.Size, Resize = rs.Resize, Channels = rs.Channels },
                rs.TestFraction, rs.ValidationFraction, options.Seed);
        var (train, validation, test) = (data.Train, data.Validation, data.Test);

        var spec = new ModelSpec(rs.Model, data.ExampleShape, data.ClassNames.Count);
        using var model = ModelZoo.Create(spec);
        if (resumed is not null) Checkpoint.LoadWeights(model, run!.Checkpoint);
        else
        {
            run ??= settings.CreateRun("train");
            run.WriteJson(run.Settings, rs);
        }
        var baseInfo = new CheckpointInfo { Architecture = spec.Architecture, InputShape = spec.InputShape, ClassNames = data.ClassNames.ToArray(),
            Data = $"{rs.Data} ({data.Provenance})", Options = options };

        AnsiConsole.MarkupLine($"[bold]train[/] {Markup.Escape(data.Summary)} -> train {train.Count}, validation {validation.Count}, test {test.Count}; " +
                               $"{Markup.Escape(rs.Model)}, {threads} threads, seed {options.Seed}; run folder {Markup.Escape(run.Path)}");
        var optimizerState = Checkpoint.OptimizerPath(run.Checkpoint);
        var hooks = new TrainingHooks
        {
            Resume = resumed is null ? null : new ResumePoint(resumed.History, File.Exists(optimizerState) ? optimizerState : null),
            EpochEnded = e => Checkpoint.Save(run.Checkpoint, model, baseInfo with { Epoch = e.Epoch, History = e.History }, e.Optimizer),
        };
        var trainer = new SupervisedTrainer(options);
        var result = ProgressBar.Run($"{rs.Model} on {rs.Data}",
            progress => trainer.Fit(model, train, validation, progress, cancellation, hooks));

        var score = Metrics.Evaluate(model, test);
        var metrics = new Dictionary<string, double>
        {
            ["test_accuracy"] = score.Accuracy, ["test_loss"] = score.Loss, ["test_count"] = score.Count, ["best_epoch"] = result.BestEpoch,
            ["train_images_per_second"] = result.History.Average(h => h.ExamplesPerSecond),
        };
        Checkpoint.Save(run.Checkpoint, model, baseInfo with { Epoch = result.History.Count, History = result.History, Metrics = metrics });
        run.WriteJson(run.Metrics, new
        {
            command = "train", data = rs.Data, data.Provenance, streamed = rs.Stream, model = rs.Model, seed = options.Seed, threads, device = DeviceChoice.Name(options.ResolveDevice()),
            machine = new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription },
            options,
            split = new { train = train.Count, validation = validation.Count, test = test.Count },
            metrics,
            per_class_test_accuracy = data.ClassNames.Zip(score.PerClassAccuracy()).ToDictionary(p => p.First, p => p.Second),
            history = result.History,
        });
        run.SaveLearningCurve(result.History, $"{rs.Model} on {rs.Data}");

        Tables.History(result.History);
        Tables.KeyValues("result",
        [
            ("test accuracy", $"{score.Accuracy:P2} ({score.Count} held-out examples)"),
            ("test loss", $"{score.Loss:0.0000}"),
            ("best epoch", result.StoppedEarly ? $"{result.BestEpoch} (stopped early)" : $"{result.BestEpoch}"),
            ("training speed", $"{metrics["train_images_per_second"]:N0} images/s on {threads} threads"),
            ("run folder", run.Path),
            .. (data.LastTrainingPass is { } pass ? [("data stream (last epoch)", pass.ToString())] : Array.Empty<(string, string)>()),
        ]);
        return 0;
    }
}
