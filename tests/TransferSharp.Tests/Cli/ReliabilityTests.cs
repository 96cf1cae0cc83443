using System.Text.Json;
using TransferSharp.Cli;
using TransferSharp.Training;

namespace TransferSharp.Tests.Cli;

/// <summary>Issue 16 through the command line: one test per cause (1, 3, 4, 6, 7, 8) and the option messages.</summary>
[Collection("Sequential")]
public sealed class ReliabilityTests
{
    [Fact]
    public void Cause1_a_folder_with_one_image_per_class_is_bad_input_and_leaves_no_run_folder()
    {
        using var dir = new TestData.TempFolder();
        var data = Path.Combine(dir.Path, "tiny");
        TransferSharp.Tests.Data.ImageFolderFixtures.Write(data, classes: 3, perClass: 1, side: 8, seed: 0);
        var runs = Path.Combine(dir.Path, "runs");
        var r = InProcess.Run("train", "--data", data, "--size", "8", "--model", "mlp", "--epochs", "1", "--runs", runs);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("leave the test part empty", r.ErrorLine);
        Assert.False(Directory.Exists(runs) && Directory.EnumerateFileSystemEntries(runs).Any());
    }

    [Fact]
    public void Cause3_native_backtraces_are_cut_from_the_one_line_error_and_kept_for_verbose()
    {
        const string native = "shape '[-5]' is invalid for input of size 0\nException raised from infer_size_impl at aten/src/ATen/InferSize.h:95 (most recent call first):\nframe #0: c10::Error::Error(c10::SourceLocation, std::string) + 0x7c (0x7f in libc10.so)\nframe #1: at::infer_size + 0x1a";
        using var error = new StringWriter();
        int code = CliErrors.Run(() => throw new InvalidDataException("weights.safetensors: cannot read the state dict: " + native), verbose: false, error);
        Assert.Equal(2, code);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("error: weights.safetensors: cannot read the state dict: shape '[-5]' is invalid for input of size 0", line);
        using var verbose = new StringWriter();
        CliErrors.Run(() => throw new InvalidDataException(native), verbose: true, verbose);
        Assert.Contains("frame #0", verbose.ToString());
    }

    [Theory]
    [InlineData("[-5]")]
    [InlineData("[100000000000]")]
    public void Cause3_a_safetensors_tensor_of_impossible_shape_is_one_line_naming_the_file(string shape)
    {
        using var dir = new TestData.TempFolder();
        var path = Path.Combine(dir.Path, "w.safetensors");
        var header = System.Text.Encoding.UTF8.GetBytes("""{"w":{"dtype":"F32","shape":""" + shape + ""","data_offsets":[0,8]}}""");
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)header.Length), .. header, .. new byte[8]]);
        using var error = new StringWriter();
        int code = CliErrors.Run(() => { TransferSharp.Models.PyTorchWeights.Read(path, allowPickle: false); return 0; }, verbose: false, error);
        Assert.Equal(2, code);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: " + path, line);
        Assert.DoesNotContain("frame #", line);
        Assert.True(line.Length < 600, line);
    }

    [Fact]
    public void Cause2_a_sidecar_claiming_a_huge_input_is_refused_before_a_model_is_built()
    {
        using var dir = new TestData.TempFolder();
        var weights = Path.Combine(dir.Path, "model.pt");
        File.WriteAllBytes(weights, []);
        File.WriteAllText(Path.Combine(dir.Path, "model.json"),
            """{"format":"transfersharp-checkpoint/1","architecture":"mlp","input_shape":[1,100000,100000],"class_names":["a","b"]}""");
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.ReadInfo(weights));
        Assert.Contains("input shape 1x100000x100000", e.Message);
    }

    [Fact]
    public void Cause3_an_out_of_range_number_names_its_option_without_dotnet_type_names()
    {
        var r = InProcess.Run("train", "--data", "optdigits", "--epochs", "99999999999");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--epochs", r.ErrorLine);
        Assert.DoesNotContain("Nullable", r.ErrorLine);
    }

    [Fact]
    public void Cause4_divergence_is_a_failed_run_that_says_which_checkpoint_is_kept()
    {
        using var error = new StringWriter();
        int code = CliErrors.Run(() => throw new NonFiniteLossException(3, 5, double.PositiveInfinity, "loss", lastGoodEpoch: 2), false, error);
        Assert.Equal(1, code);
        var line = error.ToString().Trim();
        Assert.StartsWith("error: training diverged: loss Infinity at epoch 3 step 5", line);
        Assert.Contains("last good checkpoint (epoch 2) is kept", line);
    }

    [Fact]
    public void Cause4_a_non_finite_value_for_any_floating_point_option_of_any_command_is_refused()
    {
        using var dir = new TestData.TempFolder();
        foreach (var args in new[] { new[] { "train", "--data", "optdigits", "--weight-decay", "NaN" }, ["train", "--data", "optdigits", "--lr", "Infinity"] })
        {
            var r = InProcess.Run([.. args, "--runs", Path.Combine(dir.Path, "runs")]);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains(args[^2], r.ErrorLine);
        }
    }

    [Fact]
    public void Causes6_7_8_resume_cleans_stale_temporaries_finishes_a_run_killed_in_its_final_save_and_checks_run_json()
    {
        using var dir = new TestData.TempFolder();
        var runs = Path.Combine(dir.Path, "runs");
        var first = InProcess.Run("train", "--data", "optdigits:0-2", "--model", "mlp", "--epochs", "2", "--threads", "1", "--runs", runs);
        Assert.True(first.ExitCode == 0, first.Error);
        var run = Assert.Single(Directory.GetDirectories(runs));
        var metricsPath = Path.Combine(run, "metrics.json");
        double accuracy = TestAccuracy(metricsPath);

        // A kill during the final save: every epoch is done, metrics.json never written, a dead process's temporaries left.
        File.Delete(metricsPath);
        File.Delete(Path.Combine(run, "learning-curve.png"));
        File.WriteAllText(Path.Combine(run, $".model.pt.{DeadPid()}.tmp"), "half a model");
        File.WriteAllText(Path.Combine(run, "metrics.json.tmp"), "{");
        var resumed = InProcess.Run("train", "--resume", run);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(accuracy, TestAccuracy(metricsPath));
        Assert.True(File.Exists(Path.Combine(run, "learning-curve.png")));
        Assert.Empty(Directory.GetFiles(run, "*.tmp"));
        Assert.Empty(Directory.GetFiles(run, ".*"));

        // Finished now: resuming again says so.
        Assert.Contains("already finished 2 epochs", InProcess.Run("train", "--resume", run).ErrorLine);

        // An edited run.json: other data than the checkpoint was trained on.
        var settings = Path.Combine(run, "run.json");
        File.WriteAllText(settings, File.ReadAllText(settings).Replace("\"optdigits:0-2\"", "\"optdigits:0-1\""));
        var edited = InProcess.Run("train", "--resume", run, "--epochs", "3");
        Assert.Equal(2, edited.ExitCode);
        Assert.Contains("run.json says data 'optdigits:0-1'", edited.ErrorLine);
    }

    [Fact]
    public void Evaluate_given_the_sidecar_instead_of_the_weights_says_so_instead_of_blaming_corruption()
    {
        using var dir = new TestData.TempFolder();
        var sidecar = Path.Combine(dir.Path, "model.json");
        File.WriteAllText(sidecar, "{}");
        var r = InProcess.Run("evaluate", "--model", sidecar, "--data", "optdigits");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("a checkpoint's sidecar, not its weights", r.ErrorLine);
    }

    [Fact]
    public void Cause7_a_run_killed_before_its_first_checkpoint_resumes_from_the_start()
    {
        using var dir = new TestData.TempFolder();
        var runs = Path.Combine(dir.Path, "runs");
        var first = InProcess.Run("train", "--data", "optdigits:0-2", "--model", "mlp", "--epochs", "2", "--threads", "1", "--runs", runs);
        Assert.True(first.ExitCode == 0, first.Error);
        var run = Assert.Single(Directory.GetDirectories(runs));
        double accuracy = TestAccuracy(Path.Combine(run, "metrics.json"));
        // What a kill during epoch 1 leaves: run.json and nothing else.
        foreach (var f in Directory.GetFiles(run).Where(f => Path.GetFileName(f) != "run.json")) File.Delete(f);
        var resumed = InProcess.Run("train", "--resume", run);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(accuracy, TestAccuracy(Path.Combine(run, "metrics.json")));
    }

    [Fact]
    public void Cause8_a_run_folder_is_locked_while_a_process_writes_it()
    {
        using var dir = new TestData.TempFolder();
        try
        {
            var run = RunFolder.Create(dir.Path, "train");
            File.WriteAllText(run.Settings, "{}");   // a run that wrote something (an empty one is removed on release)
            var e = Assert.Throws<IOException>(() => RunFolder.Open(run.Path));
            Assert.Contains("another transfer process", e.Message);
            RunFolder.ReleaseLocks();
            RunFolder.Open(run.Path);   // free again
        }
        finally
        {
            RunFolder.ReleaseLocks();
        }
    }

    [Fact]
    public void Cause6_a_checkpoint_save_removes_temporaries_of_dead_processes_and_keeps_live_ones()
    {
        using var dir = new TestData.TempFolder();
        var dead = Path.Combine(dir.Path, $".model.pt.{DeadPid()}.tmp");
        var live = Path.Combine(dir.Path, $".model.pt.{Environment.ProcessId}.tmp");
        File.WriteAllText(dead, "x");
        File.WriteAllText(live, "x");
        Assert.Equal(1, Checkpoint.RemoveStaleTemporaries(dir.Path));
        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(live));
    }

    private static double TestAccuracy(string metrics)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(metrics));
        return doc.RootElement.GetProperty("metrics").GetProperty("test_accuracy").GetDouble();
    }

    /// <summary>A process id no process has now.</summary>
    private static int DeadPid()
    {
        for (int pid = 4_000_000; ; pid++)
        {
            try { using var p = System.Diagnostics.Process.GetProcessById(pid); }
            catch (ArgumentException) { return pid; }
        }
    }
}
