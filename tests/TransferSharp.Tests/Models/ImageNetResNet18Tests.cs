using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TransferSharp.Data;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Tests.Models;

[Collection("Sequential")]
public sealed class ImageNetResNet18Tests
{
    [Fact]
    public void Imported_model_agrees_with_onnx_runtime_to_1e_4()
    {
        Seeding.SetThreads(1);
        // A preprocessed-looking input: values around the range the network sees (0..255 minus means near 115).
        var rng = new Random(5);
        var x = Enumerable.Range(0, 3 * 224 * 224).Select(_ => (float)(rng.NextDouble() * 255 - 115)).ToArray();

        float[] expected;
        using (var session = new InferenceSession(ImageNetResNet18.ModelPath()))
        {
            var input = NamedOnnxValue.CreateFromTensor("Input247", new DenseTensor<float>(x, [1, 3, 224, 224]));
            using var outputs = session.Run([input]);
            expected = outputs.Single(o => o.Name == "Pooling395_Output_0").AsEnumerable<float>().ToArray();   // 1x512x1x1
        }

        using var model = ImageNetResNet18.Load(classCount: 10);
        model.eval();
        float[] actual;
        using (no_grad())
        using (var scope = NewDisposeScope())
            actual = model.Features(tensor(x, [1, 3, 224, 224])).data<float>().ToArray();

        Assert.Equal(512, expected.Length);
        Assert.Equal(512, actual.Length);
        double worst = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(worst <= 1e-4, $"largest difference {worst:g3} (feature scale {expected.Max(Math.Abs):g3})");
        Assert.True(expected.Max(Math.Abs) > 0.1);   // not trivially zero features
    }

    [Fact]
    public void Preprocessing_matches_the_packages_preprocess_model()
    {
        var rng = new Random(6);
        var rgb = Enumerable.Range(0, 3 * 224 * 224).Select(_ => (float)rng.NextDouble()).ToArray();
        float[] expected;
        using (var session = new InferenceSession(ImageNetResNet18.PreprocessPath()))
        {
            var input = NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.Single(),
                new DenseTensor<float>(rgb.Select(v => v * 255f).ToArray(), [1, 3, 224, 224]));
            using var outputs = session.Run([input]);
            expected = outputs.Single().AsEnumerable<float>().ToArray();
        }
        using var data = new Dataset("one", tensor(rgb, [1, 3, 224, 224]), null, ["x"], "test");
        using var pre = ImageNetResNet18.Preprocess(data);
        var actual = pre.Inputs.data<float>().ToArray();
        Assert.True(expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second)) <= 1e-3);
    }
}
