using Google.Protobuf;
using TransferSharp.Models;
using P = global::Onnx;

namespace TransferSharp.Export;

/// <summary>What to record in an exported ONNX file besides the graph.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>Name of the graph's input, <c>(N, ...)</c> with a dynamic batch dimension <c>N</c>. Default "input".</summary>
    public string InputName { get; init; } = "input";
    /// <summary>Name of the graph's output, <c>(N, ...)</c>. Default "output".</summary>
    public string OutputName { get; init; } = "output";
    /// <summary>Key/value pairs written as the model's <c>metadata_props</c> (class names, preprocessing, ...).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// Writes a trained TorchSharp model as an ONNX file (opset 17) that ONNX Runtime, ML.NET's <c>ApplyOnnxModel</c> or any
/// other ONNX consumer can run: every model of the zoo (LeNet, MLP, CNN, ResNet-18 and ML.NET's variant), with a
/// bottleneck, the classifier of <c>adapt</c> (<see cref="DomainAdaptation.AdaptationNetwork"/>), a multitask task path and the image
/// network of a zero-shot model. TorchSharp has no exporter (dotnet/TorchSharp#1281); this one is structural: it walks
/// the known module kinds and writes one ONNX node (or a few) for each, with the weights as initializers, using
/// OnnxSharp's generated ONNX protobuf classes.
/// </summary>
/// <remarks>
/// <para>The graph computes the model in evaluation mode: batch norm with its running statistics, dropout and gradient
/// reversal as the identity. The batch dimension is dynamic (<c>N</c>); the other input dimensions are fixed.</para>
/// <para>Supported modules: Sequential (and the library's chains), Conv2d (zero padding), Linear, BatchNorm1d/2d (with
/// running statistics), ReLU, LeakyReLU, Sigmoid, Tanh, Softmax, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d to 1x1,
/// Flatten, Dropout, Identity, ResNet basic blocks and the library's own modules. Anything else fails with a
/// <see cref="NotSupportedException"/> naming the module.</para>
/// <para>Preprocessing is not part of the graph: it is recorded in the metadata (key <c>preprocessing</c> for a
/// checkpoint, see <see cref="FromCheckpoint"/>), and the README says what each value means.</para>
/// </remarks>
public static class OnnxExport
{
    /// <summary>The ONNX operator set the graph uses.</summary>
    public const int OpsetVersion = 17;

    /// <summary>Writes <paramref name="model"/>, which takes inputs <c>(N, ..<paramref name="inputShape"/>)</c>, to <paramref name="path"/>.</summary>
    /// <exception cref="NotSupportedException">The model holds a module that cannot be exported; the message names it.</exception>
    public static void Export(Module<Tensor, Tensor> model, IReadOnlyList<long> inputShape, string path, OnnxExportOptions? options = null)
    {
        var proto = Build(model, inputShape, options ?? new OnnxExportOptions());
        // Temp file + rename: never a half-written model.
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var tmp = full + ".tmp";
        try
        {
            using (var stream = File.Create(tmp)) proto.WriteTo(stream);
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
    }

    /// <summary>Writes a zoo model with its own input shape (<see cref="StagedModel.Spec"/>); metadata names its architecture.</summary>
    public static void Export(StagedModel model, string path, OnnxExportOptions? options = null)
    {
        options ??= new OnnxExportOptions();
        var metadata = new Dictionary<string, string>(options.Metadata) { ["architecture"] = model.Spec.Architecture };
        Export(model, model.Spec.InputShape, path, options with { Metadata = metadata });
    }

    /// <summary>Metadata for a checkpoint: architecture, input shape, class names (comma-separated, JSON array in
    /// <c>class_names_json</c>) and the preprocessing the inputs need (<c>none</c> or <c>imagenet-mlnet</c>).</summary>
    public static OnnxExportOptions FromCheckpoint(Training.CheckpointInfo info) => new()
    {
        Metadata = new Dictionary<string, string>
        {
            ["architecture"] = info.Architecture,
            ["input_shape"] = string.Join(",", info.InputShape),
            ["class_names_json"] = System.Text.Json.JsonSerializer.Serialize(info.ClassNames),
            ["preprocessing"] = string.IsNullOrEmpty(info.Preprocessing) ? "none" : info.Preprocessing,
        },
    };

    /// <summary>The ONNX model in memory (for tests and for callers that write elsewhere).</summary>
    internal static P.ModelProto Build(Module<Tensor, Tensor> model, IReadOnlyList<long> inputShape, OnnxExportOptions options)
    {
        var builder = new OnnxGraphBuilder();
        var output = builder.Emit(model, options.InputName, model.GetName());
        if (output == options.InputName) output = builder.Node("Identity", [output]);
        builder.Rename(output, options.OutputName);

        // The output's shape: one forward pass on a zero batch of one, in evaluation mode.
        long[] outShape;
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var device = model.parameters().FirstOrDefault()?.device ?? CPU;
            outShape = model.call(zeros([1, .. inputShape], device: device)).shape;
        }
        finally
        {
            if (wasTraining) model.train();
        }

        var graph = builder.Graph;
        graph.Name = model.GetName();
        graph.Input.Add(ValueInfo(options.InputName, inputShape));
        graph.Output.Add(ValueInfo(options.OutputName, outShape.Skip(1).ToArray()));
        var proto = new P.ModelProto
        {
            IrVersion = 8,
            ProducerName = "TransferSharp",
            ProducerVersion = typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "",
            Graph = graph,
        };
        proto.OpsetImport.Add(new P.OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        foreach (var (key, value) in options.Metadata) proto.MetadataProps.Add(new P.StringStringEntryProto { Key = key, Value = value });
        return proto;
    }

    // A float tensor (N, ..dims) with the batch dimension named N.
    private static P.ValueInfoProto ValueInfo(string name, IReadOnlyList<long> dims)
    {
        var shape = new P.TensorShapeProto();
        shape.Dim.Add(new P.TensorShapeProto.Types.Dimension { DimParam = "N" });
        foreach (var d in dims) shape.Dim.Add(new P.TensorShapeProto.Types.Dimension { DimValue = d });
        return new P.ValueInfoProto
        {
            Name = name,
            Type = new P.TypeProto { TensorType = new P.TypeProto.Types.Tensor { ElemType = (int)P.TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
