using TransferSharp.Data;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Evaluation;

/// <summary>One image's prediction.</summary>
public sealed record Prediction(string File, string ClassName, double Probability, IReadOnlyList<(string ClassName, double Probability)> Top);

/// <summary>Classifies image files with a trained checkpoint, preparing them as the model's input shape says.</summary>
public sealed class Predictor : IDisposable
{
    private readonly StagedModel model;
    private readonly CheckpointInfo info;

    /// <summary>Loads the checkpoint at <paramref name="checkpointPath"/> and moves the model to <paramref name="device"/>
    /// (<c>cpu</c>, <c>cuda</c>, <c>cuda:N</c> or <c>auto</c>, see <see cref="DeviceChoice"/>).</summary>
    public Predictor(string checkpointPath, string device = "auto")
    {
        (model, info) = Checkpoint.Load(checkpointPath);
        model.MoveTo(DeviceChoice.Resolve(device));
        if (info.InputShape.Length != 3)
            throw new ArgumentException($"{checkpointPath}: the model takes feature vectors [{info.InputShape[0]}], not images");
    }

    /// <summary>The files a path names: the image itself, or every image in a folder (recursively, sorted).</summary>
    public static IReadOnlyList<string> ImageFiles(string path)
    {
        if (File.Exists(path)) return [path];
        if (!Directory.Exists(path)) throw new FileNotFoundException($"{path}: no such image or folder", path);
        // No link out of the folder, no loop through a link back up (FolderWalk).
        var files = new FolderWalk(path).AllFiles(path)
            .Where(ImageFolder.IsImageFile)
            .Order(StringComparer.Ordinal).ToArray();
        return files.Length > 0 ? files : throw new InvalidDataException($"{path}: the folder holds no images ({string.Join(", ", ImageFolder.ImageExtensions)})");
    }

    /// <summary>Predicts every file; the <paramref name="top"/> most likely classes are kept for each.</summary>
    /// <remarks>Images are read at the model's input size and preprocessed as the checkpoint says (<see cref="CheckpointInfo.Preprocessing"/>), a chunk at a time.</remarks>
    public IReadOnlyList<Prediction> Predict(IReadOnlyList<string> files, int top = 3)
    {
        const int Chunk = 64;
        int c = (int)info.InputShape[0], h = (int)info.InputShape[1], w = (int)info.InputShape[2];
        var results = new List<Prediction>();
        for (int start = 0; start < files.Count; start += Chunk)
        {
            var chunk = files.Skip(start).Take(Chunk).ToArray();
            float[,] probs;
            using (var scope = NewDisposeScope())
            {
                var x = cat(chunk.Select(f => ImageFolder.ReadImage(f, h, w, rgb: c == 3)).ToArray(), 0);   // (n, C, H, W) in [0, 1]
                using var images = InputPreprocessing.Apply(info.Preprocessing, new Dataset("predict", x, null, info.ClassNames, "image files"));
                (_, probs) = Metrics.Predict(model, images.Inputs);
            }
            for (int i = 0; i < chunk.Length; i++)
            {
                var ranked = Enumerable.Range(0, probs.GetLength(1)).OrderByDescending(k => probs[i, k])
                    .Take(top).Select(k => (info.ClassNames[k], (double)probs[i, k])).ToArray();
                results.Add(new Prediction(chunk[i], ranked[0].Item1, ranked[0].Item2, ranked));
            }
        }
        return results;
    }

    /// <inheritdoc />
    public void Dispose() => model.Dispose();
}
