using SharpFuzz;
using TransferSharp.Data;
using TransferSharp.Models;
using TransferSharp.Training;
using TransferSharp.Translation;
using TransferSharp.ZeroShot;

namespace TransferSharp.Fuzz;

/// <summary>
/// One AFL harness per reader: <c>TransferSharp.Fuzz &lt;reader&gt;</c> reads AFL's input (stdin) as that reader's
/// file. The readers' promise is an <see cref="InvalidDataException"/> (or another bad-input exception) naming the
/// file for anything malformed; any other exception escapes and AFL records it as a crash. With a file argument
/// after the reader, runs that one input once (to replay a crash).
/// </summary>
public static class Program
{
    /// <summary>Each reader: the file name the input is written to (its extension selects the format) and the call.</summary>
    private static readonly Dictionary<string, (string File, Action<string> Read)> Readers = new()
    {
        ["idx"] = ("images.idx", path => Dispose(Idx.ReadImages(path))),
        ["idx-pair"] = ("pair-images.idx", ReadPair),
        ["gzip"] = ("data.gz", path => Gzip.Decompress(path, File.ReadAllBytes(path))),
        ["csv"] = ("data.csv", path => Dispose(Csv.Read(path))),
        ["image"] = ("image.png", path => ImageFolder.ReadImage(path, 8, 8).Dispose()),
        ["safetensors"] = ("weights.safetensors", path => { foreach (var t in PyTorchWeights.Read(path, allowPickle: false).Values) t.Dispose(); }),
        ["sidecar"] = ("model.json", ReadSidecar),
        ["attributes"] = ("attributes.csv", path => AttributeTable.Read(path)),
        ["wordvectors"] = ("vectors.txt", path => WordVectors.Read(path, ["cat", "dog", "horse"])),
        ["corpus"] = ("corpus.tsv", path => CorpusFile.Read(path)),
        ["pairs"] = ("en-fr.tsv", path => PairFiles.Read([new PairFile(new TranslationDirection("en", "fr"), path)])),
        ["sentences"] = ("descriptions.txt", path => TextDescriptions.ReadSentences(path)),
    };

    public static int Main(string[] args)
    {
        if (args.Length == 0 || !Readers.TryGetValue(args[0], out var reader))
        {
            Console.Error.WriteLine($"usage: TransferSharp.Fuzz <{string.Join("|", Readers.Keys)}> [input-file]");
            return 2;
        }
        var folder = Directory.CreateTempSubdirectory("fuzz-").FullName;
        var path = Path.Combine(folder, reader.File);
        try
        {
            if (args.Length > 1)
            {
                File.Copy(args[1], path, overwrite: true);
                Run(reader.Read, path);
                return 0;
            }
            Fuzzer.OutOfProcess.Run(stream =>
            {
                using (var file = File.Create(path)) stream.CopyTo(file);
                Run(reader.Read, path);
            });
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The promised failures are not crashes; everything else propagates.</summary>
    private static void Run(Action<string> read, string path)
    {
        try { read(path); }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException or InvalidOptionsException) { }
    }

    /// <summary>The input is split at its middle into an images file and its labels file.</summary>
    private static void ReadPair(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var dir = Path.GetDirectoryName(path)!;
        var images = Path.Combine(dir, "x-images-idx3-ubyte");
        var labels = Path.Combine(dir, "x-labels-idx1-ubyte");
        File.WriteAllBytes(images, bytes[..(bytes.Length / 2)]);
        File.WriteAllBytes(labels, bytes[(bytes.Length / 2)..]);
        Dispose(Idx.Read(images, labels));
    }

    /// <summary>The input is a checkpoint sidecar beside an empty weights file.</summary>
    private static void ReadSidecar(string path)
    {
        var weights = Path.ChangeExtension(path, ".pt");
        if (!File.Exists(weights)) File.WriteAllBytes(weights, []);
        Checkpoint.ReadInfo(weights);
    }

    private static void Dispose(IDisposable d) => d.Dispose();
}
