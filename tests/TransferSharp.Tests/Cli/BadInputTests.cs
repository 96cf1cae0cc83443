namespace TransferSharp.Tests.Cli;

/// <summary>
/// Bad input, run in process: one line on standard error naming the problem, exit code 2, no stack trace. The
/// process-level twins (the real binary, its working folder left empty) are in <see cref="CliTests"/>.
/// </summary>
[Collection("Sequential")]
public sealed class BadInputTests
{
    [Theory]
    [InlineData("train --data no-such-dataset --epochs 1", "no-such-dataset")]
    [InlineData("train --data mnist --model vgg", "--model 'vgg' is unknown")]
    [InlineData("train --data mnist --epochs 0", "epochs must be at least 1")]
    [InlineData("train --data mnist --lr -1", "must be positive, got -1")]
    [InlineData("train --data mnist --optimizer rmsprop", "--optimizer 'rmsprop' is unknown")]
    [InlineData("train --data mnist --schedule linear", "--schedule 'linear' is unknown")]
    [InlineData("train --data mnist --test-fraction 1", "--test-fraction must be in (0, 1), got 1")]
    [InlineData("train --data mnist --size 0", "--size must be positive, got 0")]
    [InlineData("train --data mnist --channels 2", "--channels must be 1 or 3, got 2")]
    [InlineData("train --epochs 1", "--data is required")]
    [InlineData("train --data mnist:0-12", "out of range")]
    [InlineData("train --data fashion-mnist:Sandal,Boot", "no class 'Boot'")]
    [InlineData("train --data optdigits --model lenet --epochs 1", "at least 16x16")]
    [InlineData("train --data mnist --epochs x", "x")]
    [InlineData("train --data mnist --bogus-option 3", "bogus-option")]
    [InlineData("train --data mnist --stream --epochs 1", "--stream reads image folders only")]
    [InlineData("train --data mnist --decode-threads 2", "--decode-threads applies only with --stream")]
    [InlineData("train --resume no-such-run", "no such run folder")]
    [InlineData("evaluate --model missing.pt --data mnist", "missing.pt")]
    [InlineData("evaluate --data mnist", "--model is required")]
    [InlineData("predict --model missing.pt --input nothing-here", "nothing-here")]
    [InlineData("predict --model m.pt --input x --top 0", "--top must be positive, got 0")]
    [InlineData("datasets show mnist --out grid.jpg", "must be a .png")]
    [InlineData("datasets show mnist --resize 0", "--resize must be positive, got 0")]
    [InlineData("tour --only nothing", "no stage 'nothing'")]
    [InlineData("tour --threads -1", "--threads must be 0 or more, got -1")]
    [InlineData("zeroshot --data optdigits --unseen 3", "--method is required")]
    [InlineData("zeroshot --data optdigits --method magic --unseen 3", "--method 'magic' is unknown")]
    [InlineData("zeroshot --data optdigits --method dap", "--unseen is required")]
    [InlineData("zeroshot --data optdigits --method dap --unseen 12", "out of range")]
    [InlineData("zeroshot --data optdigits --method dap --unseen 0-8 --model mlp", "at least two classes must stay seen")]
    [InlineData("zeroshot --data optdigits --method dap --unseen 3 --descriptions nothing.csv", "--descriptions nothing.csv: no such file")]
    [InlineData("zeroshot --data optdigits --method embedding --unseen 3 --loss hinge", "--loss 'hinge' is unknown")]
    [InlineData("zeroshot --data optdigits --method embedding --unseen 3 --margin 0", "margin must be positive")]
    [InlineData("zeroshot --data optdigits --method dap --unseen 3 --calibration 0.5", "--calibration only applies to the generalized evaluation")]
    [InlineData("zeroshot --data optdigits --method embedding --unseen 3 --name-template x{0}", "--name-template only applies to --descriptions names")]
    [InlineData("zeroshot --data optdigits --method embedding --unseen 3 --descriptions names --name-template digit", "--name-template 'digit' has no {0}")]
    [InlineData("zeroshot --data optdigits --method dap --unseen 3 --test-fraction 1", "--test-fraction must be in (0, 1), got 1")]
    // Found after the run folder was made: the empty folder must go too.
    [InlineData("zeroshot --data optdigits --method dap --unseen 3 --model lenet", "model 'lenet' needs images of at least 16x16, got 8x8")]
    [InlineData("experiment transferability --data mnist --split dissimilar", "no dissimilar split is known for 'mnist'")]
    [InlineData("experiment transferability --data mnist --split nowhere.txt", "nowhere.txt")]
    [InlineData("experiment transferability --data mnist --seeds 1,x", "--seeds '1,x'")]
    [InlineData("experiment transferability --data mnist --train-per-class -1", "--train-per-class must be 0 or more")]
    public void Bad_input_prints_one_line_naming_the_problem_and_exits_2(string args, string expected)
    {
        using var dir = new TestData.TempFolder();
        // Where a command takes --runs, point it at an empty folder: bad input must leave nothing there.
        string[] runs = args.Split(' ')[0] is "train" or "zeroshot" or "experiment" or "tour" ? ["--runs", dir.Path] : [];
        var r = InProcess.Run([.. args.Split(' '), .. runs]);
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Error}");
        Assert.Contains(expected, r.ErrorLine);
        Assert.StartsWith("error: ", r.ErrorLine);
        Assert.DoesNotContain("   at ", r.Error);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Verbose_adds_the_stack_trace_to_bad_input()
    {
        var r = InProcess.Run("evaluate", "--model", "missing.pt", "--data", "mnist", "--verbose");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("   at ", r.Error);
    }

    [Fact]
    public void Duplicate_or_missing_descriptions_in_a_table_are_rejected()
    {
        using var dir = new TestData.TempFolder();
        var rows = Enumerable.Range(0, 10).Select(k => $"{k},{k % 2},{(k / 2) % 2},{(k / 4) % 2}");   // 0 and 8 collide
        File.WriteAllText(dir.File("clash.csv"), "class,a,b,c\n" + string.Join('\n', rows));
        var r = InProcess.Run("zeroshot", "--data", "optdigits", "--method", "dap", "--unseen", "3", "--descriptions", dir.File("clash.csv"), "--runs", dir.File("runs"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("'0' = '8'", r.ErrorLine);
        Assert.Contains("cannot be told apart", r.ErrorLine);

        File.WriteAllText(dir.File("short.csv"), "class,a\n0,1\n1,0\n");
        r = InProcess.Run("zeroshot", "--data", "optdigits", "--method", "conse", "--unseen", "1", "--descriptions", dir.File("short.csv"), "--runs", dir.File("runs"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("short.csv: no description for classes '2', '3'", r.ErrorLine);
        Assert.False(Directory.Exists(dir.File("runs")));
    }
}
