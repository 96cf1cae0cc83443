using TransferSharp.Data;
using TransferSharp.Models.Onnx;

namespace TransferSharp.Models;

/// <summary>
/// The ImageNet-trained ResNet-18 that ML.NET ships as ONNX in NuGet <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>
/// 0.23.1, imported into a TorchSharp ResNet (<see cref="ModelZoo"/>'s <c>resnet18-mlnet</c>) by walking its graph.
/// </summary>
/// <remarks>
/// <para>The ONNX file is a CNTK 2.6 export of the feature extractor only: 7x7/2 convolution, 3x3/2 max-pool, then
/// basic blocks 2, 2, 2 and 3 (not torchvision's 2, 2, 2, 2: layer4 has a third block, so the graph has 22
/// convolutions), global average pooling to 512 features. There is no ImageNet classifier, so the imported model's
/// head (<c>fc</c>) is freshly initialised: use it as a source of feature stages (<c>--copy all</c>). The stride-2
/// layers pad asymmetrically (begin 3/end 2 for the 7x7 convolution, begin 1/end 0 for the 3x3 ones); with even
/// input sizes the windows start at the same places as with the symmetric padding of torchvision's layout and never
/// reach the extra end padding, so the two compute the same thing (the agreement test checks it at 224x224).</para>
/// <para>Expected input (what <c>ResNetPreprocess.onnx</c> in the same package produces): BGR channel order, values
/// 0..255, minus a 224x224 per-channel mean image (means about 104, 117, 123 — ImageNet's BGR means). Use
/// <see cref="Preprocess(Dataset, string?)"/> on RGB images in [0, 1].</para>
/// <para>The two files travel in the TransferSharp package, whose build step copies them into the application's output
/// (<c>transfersharp-models/</c>), the way ML.NET's own model packages do; the repository's build takes them from ML.NET's
/// package (a <c>PackageDownload</c>, so ML.NET does not come along, and the 64 MB model is not committed).</para>
/// </remarks>
public static class ImageNetResNet18
{
    /// <summary>Name of this source on the command line.</summary>
    public const string SourceName = "resnet18-imagenet";

    /// <summary>The architecture the ONNX holds: <see cref="ModelZoo"/>'s <c>resnet18-mlnet</c>, ResNet-18 with a third block in layer4.</summary>
    public const string Architecture = "resnet18-mlnet";

    private const string PackageFolder = "microsoft.ml.dnnimagefeaturizer.resnet18/0.23.1/tools/DnnImageModels";

    /// <summary>Path of <c>ResNet18.onnx</c> next to the application; throws <see cref="FileNotFoundException"/> saying how to get it.</summary>
    public static string ModelPath() => Locate("ResNet18Onnx/ResNet18.onnx");

    /// <summary>Path of <c>ResNetPreprocess.onnx</c> (the mean image) next to the application.</summary>
    public static string PreprocessPath() => Locate("ResNetPrepOnnx/ResNetPreprocess.onnx");

    /// <summary>
    /// A ResNet-18 for <paramref name="classCount"/> classes and 3x<paramref name="size"/>x<paramref name="size"/> inputs
    /// with the ImageNet features imported (every stage but the head).
    /// </summary>
    public static StagedModel Load(int classCount = 1000, int size = 224, string? onnxPath = null)
    {
        var graph = OnnxProto.ReadModel(onnxPath ?? ModelPath());
        var model = ModelZoo.Create(new ModelSpec(Architecture, [3, size, size], classCount));
        try
        {
            var weights = MapWeights(graph, onnxPath ?? "ResNet18.onnx");
            var parameters = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
            foreach (var (name, buffer) in model.named_buffers()) parameters[name] = buffer;
            using var noGrad = no_grad();
            foreach (var (name, source) in weights)
            {
                if (!parameters.TryGetValue(name, out var target))
                    throw new InvalidDataException($"{onnxPath ?? "ResNet18.onnx"}: mapped '{name}', which the TorchSharp ResNet-18 does not have");
                if (!target.shape.SequenceEqual(source.Dims))
                    throw new InvalidDataException($"{onnxPath ?? "ResNet18.onnx"}: '{name}' is ({string.Join(", ", source.Dims)}) in the ONNX, ({string.Join(", ", target.shape)}) here");
                using var t = tensor(source.Data, source.Dims);
                target.copy_(t);
            }
            var missing = parameters.Keys.Where(k => !k.StartsWith("fc.", StringComparison.Ordinal) && !k.EndsWith("num_batches_tracked", StringComparison.Ordinal))
                .Except(weights.Keys).ToArray();
            if (missing.Length > 0) throw new InvalidDataException($"{onnxPath ?? "ResNet18.onnx"}: no weights found for {string.Join(", ", missing)}");
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return model;
    }

    /// <summary>
    /// RGB images in [0, 1] to the network's input: ×255, BGR order, minus the package's mean image (resized to the
    /// images' size when it is not 224x224; grey images are repeated to RGB).
    /// </summary>
    public static Dataset Preprocess(Dataset data, string? preprocessPath = null)
    {
        if (!data.IsImage) throw new ArgumentException($"dataset '{data.Name}': the ImageNet ResNet-18 needs images");
        using var map = new Preprocessor(data.Inputs.shape[2], data.Inputs.shape[3], preprocessPath);
        using var scope = NewDisposeScope();
        return data.WithInputs(map.Apply(data.Inputs), "ImageNet ResNet-18 preprocessing: x255, BGR, minus the mean image");
    }

    /// <summary>The same preprocessing applied batch by batch to a stream of images (e.g. a <see cref="StreamingImageFolder"/>).</summary>
    public static IBatchSource Preprocess(IBatchSource images, string? preprocessPath = null)
    {
        var shape = images.ExampleShape;
        if (shape.Length != 3) throw new ArgumentException($"'{images.Name}': the ImageNet ResNet-18 needs images");
        // Lives as long as the source: the mean image is one small tensor, freed by the finaliser with the closure.
        var map = new Preprocessor(shape[1], shape[2], preprocessPath);
        return new MappedBatchSource(images, map.Apply, [3, shape[1], shape[2]], "ImageNet ResNet-18 preprocessing: x255, BGR, minus the mean image");
    }

    /// <summary>×255, BGR, minus the package's mean image resized once to the images' size.</summary>
    private sealed class Preprocessor : IDisposable
    {
        private readonly Tensor mean;   // (1, 3, H, W), BGR

        public Preprocessor(long height, long width, string? preprocessPath)
        {
            var graph = OnnxProto.ReadModel(preprocessPath ?? PreprocessPath());
            var m = graph.Initializers.Values.FirstOrDefault(t => t.Dims.SequenceEqual([1L, 3, 224, 224]))
                    ?? throw new InvalidDataException($"{preprocessPath ?? "ResNetPreprocess.onnx"}: no 1x3x224x224 mean image");
            using var scope = NewDisposeScope();
            var t = tensor(m.Data, m.Dims);
            if (height != 224 || width != 224)
                t = functional.interpolate(t, [height, width], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
            mean = t.DetachFromDisposeScope();
        }

        /// <summary>Images <c>(B, 1 or 3, H, W)</c> in [0, 1] to the network's input <c>(B, 3, H, W)</c>, in the current scope.</summary>
        public Tensor Apply(Tensor images)
        {
            var rgb = images.shape[1] == 1 ? images.expand(-1, 3, -1, -1) : images;
            if (rgb.shape[1] != 3) throw new ArgumentException($"the ImageNet ResNet-18 needs RGB or grey images, got {images.shape[1]} channels");
            return rgb.flip(1) * 255f - mean;
        }

        public void Dispose() => mean.Dispose();
    }

    /// <summary>Torchvision names of the ONNX weights, found by walking the graph: convolutions in order, each with its batch norm.</summary>
    internal static Dictionary<string, OnnxTensor> MapWeights(OnnxGraph graph, string file)
    {
        var convs = graph.Nodes.Where(n => n.OpType == "Conv").ToArray();
        var bnByInput = graph.Nodes.Where(n => n.OpType == "BatchNormalization").ToDictionary(n => n.Inputs[0]);
        if (convs.Length != 22) throw new InvalidDataException($"{file}: expected the 22 convolutions of ML.NET's ResNet-18, found {convs.Length}");
        OnnxTensor Init(string name) => graph.Initializers.TryGetValue(name, out var t) ? t
            : throw new InvalidDataException($"{file}: '{name}' is not an initializer");

        var names = new List<(string Conv, string Norm)> { ("conv1", "bn1") };
        var main = new Queue<(string, string)>();
        var projections = new Queue<(string, string)>();
        foreach (var layer in new[] { 1, 2, 3, 4 })
        {
            for (int block = 0; block < (layer == 4 ? 3 : 2); block++)
            {
                main.Enqueue(($"layer{layer}.{block}.conv1", $"layer{layer}.{block}.bn1"));
                main.Enqueue(($"layer{layer}.{block}.conv2", $"layer{layer}.{block}.bn2"));
            }
            if (layer > 1) projections.Enqueue(($"layer{layer}.0.downsample.0", $"layer{layer}.0.downsample.1"));
        }
        // After the stem, 1x1 convolutions are the projection shortcuts; the 3x3 ones come in forward order.
        foreach (var c in convs.Skip(1))
            names.Add(Init(c.Inputs[1]).Dims[^1] == 1 ? projections.Dequeue() : main.Dequeue());

        var result = new Dictionary<string, OnnxTensor>();
        for (int i = 0; i < convs.Length; i++)
        {
            var (convName, normName) = names[i];
            var conv = convs[i];
            if (conv.Inputs.Length > 2) throw new InvalidDataException($"{file}: convolution {conv.Name} has a bias, which ResNet-18 does not");
            result[$"{convName}.weight"] = Init(conv.Inputs[1]);
            if (!bnByInput.TryGetValue(conv.Outputs[0], out var bn))
                throw new InvalidDataException($"{file}: convolution {conv.Name} is not followed by a batch norm");
            if (bn.Float("epsilon") is { } eps && Math.Abs(eps - 1e-5) > 1e-9)
                throw new InvalidDataException($"{file}: batch norm {bn.Name} has epsilon {eps}, TorchSharp's is 1e-5");
            result[$"{normName}.weight"] = Init(bn.Inputs[1]);
            result[$"{normName}.bias"] = Init(bn.Inputs[2]);
            result[$"{normName}.running_mean"] = Init(bn.Inputs[3]);
            result[$"{normName}.running_var"] = Init(bn.Inputs[4]);
        }
        return result;
    }

    /// <summary>Environment variable naming a folder that holds <c>ResNet18.onnx</c> and <c>ResNetPreprocess.onnx</c> (checked first).</summary>
    public const string ModelFolderVariable = "TRANSFERSHARP_MODELS";

    /// <summary>
    /// The file in, in order: <see cref="ModelFolderVariable"/>; <c>transfersharp-models/</c> next to the application
    /// (<see cref="AppContext.BaseDirectory"/>), then next to this assembly (where the TransferSharp package's build step
    /// and this repository's build copy it); <c>DnnImageModels/</c> there (an app that references ML.NET's own package).
    /// Never the build machine's package folder: a published or copied app has none.
    /// </summary>
    private static string Locate(string relative)
    {
        var file = Path.GetFileName(relative);
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable(ModelFolderVariable) is { Length: > 0 } folder)
        {
            candidates.Add(Path.Combine(folder, file));
            candidates.Add(Path.Combine(folder, relative));
        }
        var assemblyDir = Path.GetDirectoryName(typeof(ImageNetResNet18).Assembly.Location);
        foreach (var dir in new[] { AppContext.BaseDirectory, assemblyDir }.Where(d => !string.IsNullOrEmpty(d)).Distinct())
        {
            candidates.Add(Path.Combine(dir!, "transfersharp-models", file));
            candidates.Add(Path.Combine(dir!, "DnnImageModels", relative));
        }
        foreach (var path in candidates)
            if (File.Exists(path)) return path;
        throw new FileNotFoundException(
            $"{file} (the ImageNet ResNet-18) is not next to the application: looked in {string.Join(", ", candidates.Select(Path.GetDirectoryName).Distinct())}. " +
            $"Build the project that references the TransferSharp package (its build copies the file into transfersharp-models/), " +
            $"or set {ModelFolderVariable} to a folder holding {file} (e.g. tools/DnnImageModels/{relative.Split('/')[0]} of NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1)", file);
    }
}
