using TransferSharp.Data;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Evaluation;

/// <summary>One image's prediction.</summary>
public sealed record Prediction(string File, string ClassName, double Probability, IReadOnlyList<(string ClassName, double Probability)> Top);

/// <summary>Classifies image files with a trained checkpoint, preparing them as the model's input shape says.</summary>
public sealed class Predictor : IDisposable
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".webp", ".gif"];
    private readonly StagedModel model;
    private readonly CheckpointInfo info;

    /// <summary>Loads the checkpoint at <paramref name="checkpointPath"/>.</summary>
    public Predictor(string checkpointPath)
    {
        (model, info) = Checkpoint.Load(checkpointPath);
        if (info.InputShape.Length != 3)
            throw new ArgumentException($"{checkpointPath}: the model takes feature vectors [{info.InputShape[0]}], not images");
    }

    /// <summary>The files a path names: the image itself, or every image in a folder (recursively, sorted).</summary>
    public static IReadOnlyList<string> ImageFiles(string path)
    {
        if (File.Exists(path)) return [path];
        if (!Directory.Exists(path)) throw new FileNotFoundException($"{path}: no such image or folder", path);
        var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal).ToArray();
        return files.Length > 0 ? files : throw new InvalidDataException($"{path}: the folder holds no images ({string.Join(", ", ImageExtensions)})");
    }

    /// <summary>Predicts every file; the <paramref name="top"/> most likely classes are kept for each.</summary>
    public IReadOnlyList<Prediction> Predict(IReadOnlyList<string> files, int top = 3)
    {
        int c = (int)info.InputShape[0], h = (int)info.InputShape[1], w = (int)info.InputShape[2];
        var results = new List<Prediction>();
        foreach (var file in files)
        {
            using var scope = NewDisposeScope();
            var x = ImageFolder.ReadImage(file, h, w, rgb: c == 3);          // (1, C, H, W)
            var (_, probs) = Metrics.Predict(model, x);
            var ranked = Enumerable.Range(0, probs.GetLength(1)).OrderByDescending(k => probs[0, k])
                .Take(top).Select(k => (info.ClassNames[k], (double)probs[0, k])).ToArray();
            results.Add(new Prediction(file, ranked[0].Item1, ranked[0].Item2, ranked));
        }
        return results;
    }

    /// <inheritdoc />
    public void Dispose() => model.Dispose();
}
