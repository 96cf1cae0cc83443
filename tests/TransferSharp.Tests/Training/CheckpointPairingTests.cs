using System.Security.Cryptography;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Tests.Training;

/// <summary>A checkpoint's files are renamed one at a time; a crash between renames must not pass for a consistent checkpoint.</summary>
[Collection("Sequential")]
public sealed class CheckpointPairingTests : IDisposable
{
    private readonly TestData.TempFolder dir = new();

    public void Dispose() => dir.Dispose();

    private static CheckpointInfo Info(int epoch) => new() { Architecture = "mlp", InputShape = [8], ClassNames = ["a", "b", "c"], Epoch = epoch };

    private static string Sha(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void The_sidecar_records_the_hashes_of_the_files_it_was_saved_with()
    {
        var path = dir.File("model.pt");
        Seeding.SeedEverything(1);
        using var model = ModelZoo.Create(new ModelSpec("mlp", [8], 3));
        var optimizer = Optimizers.Create(OptimizerKind.Adam, [new OptimizerGroup(model.parameters().ToArray(), 0.01)], 0.9);
        Checkpoint.Save(path, model, Info(1), optimizer);

        var info = Checkpoint.ReadInfo(path);
        Assert.Equal(Sha(path), info.WeightsSha256);
        Assert.Equal(Sha(Checkpoint.OptimizerPath(path)), info.OptimizerSha256);
        Checkpoint.Verify(path, info);
        using var loaded = Checkpoint.Load(path).Model;
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));

        // A final save without optimiser state (the best epoch's weights after training) removes the last epoch's
        // state, which belongs to other weights: resuming then starts the optimiser afresh instead of mispairing.
        Checkpoint.Save(path, model, Info(2));
        Assert.False(File.Exists(Checkpoint.OptimizerPath(path)));
        Assert.Null(Checkpoint.ReadInfo(path).OptimizerSha256);
    }

    [Fact]
    public void New_weights_beside_an_old_sidecar_are_rejected_naming_the_file()
    {
        var path = dir.File("model.pt");
        Seeding.SeedEverything(1);
        using var first = ModelZoo.Create(new ModelSpec("mlp", [8], 3));
        Checkpoint.Save(path, first, Info(1));
        var oldSidecar = File.ReadAllText(Checkpoint.SidecarPath(path));

        // Epoch 2's save renamed the weights, then the process died before the sidecar's rename.
        using var second = ModelZoo.Create(new ModelSpec("mlp", [8], 3));
        Checkpoint.Save(path, second, Info(2));
        File.WriteAllText(Checkpoint.SidecarPath(path), oldSidecar);

        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains("not the ones its sidecar model.json was saved with", e.Message);
        Assert.Throws<InvalidDataException>(() => Checkpoint.Verify(path, Checkpoint.ReadInfo(path)));
    }

    [Fact]
    public void An_optimiser_state_from_another_save_is_rejected()
    {
        var path = dir.File("model.pt");
        Seeding.SeedEverything(1);
        using var model = ModelZoo.Create(new ModelSpec("mlp", [8], 3));
        var optimizer = Optimizers.Create(OptimizerKind.Sgd, [new OptimizerGroup(model.parameters().ToArray(), 0.01)], 0.9);
        Checkpoint.Save(path, model, Info(1), optimizer);
        var other = dir.File("other.pt");
        var adam = Optimizers.Create(OptimizerKind.Adam, [new OptimizerGroup(model.parameters().ToArray(), 0.5)], 0.9);
        Checkpoint.Save(other, model, Info(1), adam);
        File.Copy(Checkpoint.OptimizerPath(other), Checkpoint.OptimizerPath(path), overwrite: true);

        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Verify(path, Checkpoint.ReadInfo(path)));
        Assert.StartsWith(Checkpoint.OptimizerPath(path), e.Message);
    }

    [Fact]
    public void A_sidecar_without_hashes_still_loads()
    {
        var path = dir.File("model.pt");
        Seeding.SeedEverything(1);
        using var model = ModelZoo.Create(new ModelSpec("mlp", [8], 3));
        Checkpoint.Save(path, model, Info(1));
        var json = File.ReadAllLines(Checkpoint.SidecarPath(path)).Where(l => !l.Contains("sha256", StringComparison.Ordinal));
        File.WriteAllText(Checkpoint.SidecarPath(path), string.Join('\n', json).Replace(",\n}", "\n}", StringComparison.Ordinal));
        Assert.Null(Checkpoint.ReadInfo(path).WeightsSha256);
        using var loaded = Checkpoint.Load(path).Model;
    }
}
