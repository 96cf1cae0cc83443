using Google.Protobuf;
using TorchSharp.Modules;
using TransferSharp.DomainAdaptation;
using TransferSharp.Models;
using TransferSharp.Modules;
using TransferSharp.ZeroShot;
using P = global::Onnx;
using TM = TorchSharp.Modules;

namespace TransferSharp.Export;

/// <summary>
/// Builds <see cref="OnnxExport"/>'s graph module by module: each <c>Emit</c> takes the name of its input value and returns
/// its output's; weights become initializers named after their state-dict keys.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private int counter;
    public P.GraphProto Graph { get; } = new();

    public string Emit(Module<Tensor, Tensor> module, string x, string path)
    {
        switch (module)
        {
            // Chains: the children in registration order, which is the forward order for these types.
            case StagedModel or TM.Sequential or MultiTask.ModuleChain:
                foreach (var (name, child) in module.named_children())
                    x = Emit(Child(child, $"{path}.{name}"), x, $"{path}.{name}");
                return x;
            case AdaptationNetwork a: return Emit(a.Classifier, x, path);   // features, bottleneck, head
            case MultiTask.TaskPath t:
                var own = t.Input is { } input ? Emit(input, x, $"{path}.input") : x;
                return Emit(t.Head, Emit(t.Trunk, own, $"{path}.trunk"), $"{path}.head");
            case JointEmbedding j: return Emit(Child(j.named_children().Single(c => c.name == "image").module, $"{path}.image"), x, $"{path}.image");
            case BasicBlock: return ResidualBlock(module, x, path);

            case TM.Conv2d c: return Conv(c, x, path);
            case TM.Linear l:
                return l.bias is null
                    ? Node("Gemm", [x, Weight(l.weight, path + ".weight")], Int("transB", 1))
                    : Node("Gemm", [x, Weight(l.weight, path + ".weight"), Weight(l.bias, path + ".bias")], Int("transB", 1));
            case TM.BatchNorm2d or TM.BatchNorm1d: return BatchNorm((TM.BatchNorm)module, x, path);
            case TM.ReLU: return Node("Relu", [x]);
            case TM.LeakyReLU lr: return Node("LeakyRelu", [x], Float("alpha", lr.negative_slope));
            case TM.Sigmoid: return Node("Sigmoid", [x]);
            case TM.Tanh: return Node("Tanh", [x]);
            case TM.Softmax s: return Node("Softmax", [x], Int("axis", s.dim));
            case TM.MaxPool2d m:
                return Node("MaxPool", [x], Ints("kernel_shape", m.kernel_size), Ints("strides", m.stride ?? m.kernel_size),
                    Ints("pads", Pads(m.padding ?? [0, 0])), Ints("dilations", m.dilation ?? [1, 1]), Int("ceil_mode", m.ceil_mode ? 1 : 0));
            case ChannelsLastMaxPool2d m:
                return Node("MaxPool", [x], Ints("kernel_shape", [m.Kernel, m.Kernel]), Ints("strides", [m.Kernel, m.Kernel]));
            case TM.AvgPool2d a when a.divisor_override is null:
                return Node("AveragePool", [x], Ints("kernel_shape", a.kernel_size), Ints("strides", a.stride ?? a.kernel_size),
                    Ints("pads", Pads(a.padding ?? [0, 0])), Int("ceil_mode", a.ceil_mode ? 1 : 0), Int("count_include_pad", a.count_include_pad ? 1 : 0));
            case TM.AdaptiveAvgPool2d p when p.output_size.All(s => s == 1): return Node("GlobalAveragePool", [x]);
            case TM.Flatten f when f.start_dim == 1 && f.end_dim == -1: return Node("Flatten", [x], Int("axis", 1));
            // The identity in evaluation mode; ToChannelsLast changes the memory layout, not the values.
            case TM.Dropout or TM.Identity or GradientReversal or ToChannelsLast: return x;
            default:
                throw new NotSupportedException(
                    $"ONNX export: module '{path}' ({Describe(module)}) is not supported; supported are the modules of the model zoo " +
                    "(Conv2d, Linear, BatchNorm1d/2d, ReLU, MaxPool2d, AdaptiveAvgPool2d(1), Flatten, Dropout, ...)");
        }
    }

    private static Module<Tensor, Tensor> Child(torch.nn.Module child, string path) => child as Module<Tensor, Tensor>
        ?? throw new NotSupportedException($"ONNX export: module '{path}' ({child.GetType().Name}) is not a tensor-to-tensor module");

    private static string Describe(Module<Tensor, Tensor> m) => m switch
    {
        TM.AdaptiveAvgPool2d p => $"AdaptiveAvgPool2d to {string.Join("x", p.output_size)}: only 1x1 is",
        TM.Flatten f => $"Flatten from {f.start_dim} to {f.end_dim}: only 1 to -1 is",
        TM.AvgPool2d => "AvgPool2d with a divisor override",
        _ => m.GetType().Name,
    };

    private string Conv(TM.Conv2d c, string x, string path)
    {
        if (c.padding_mode != PaddingModes.Zeros)
            throw new NotSupportedException($"ONNX export: module '{path}' (Conv2d) pads with {c.padding_mode}; only zero padding is supported");
        long[] pads = c.padding is { } p ? Pads(p)
            : c.padding_type == Padding.Same
                ? Enumerable.Range(0, 2).Select(i => c.dilation[i] * (c.kernel_size[i] - 1) / 2)
                    .Concat(Enumerable.Range(0, 2).Select(i => c.dilation[i] * (c.kernel_size[i] - 1) - c.dilation[i] * (c.kernel_size[i] - 1) / 2)).ToArray()
                : [0, 0, 0, 0];
        var inputs = new List<string> { x, Weight(c.weight, path + ".weight") };
        if (c.bias is not null) inputs.Add(Weight(c.bias, path + ".bias"));
        return Node("Conv", [.. inputs], Ints("kernel_shape", c.kernel_size), Ints("strides", c.stride), Ints("pads", pads),
            Ints("dilations", c.dilation), Int("group", c.groups));
    }

    private string BatchNorm(TM.BatchNorm bn, string x, string path)
    {
        if (bn.running_mean is null || bn.running_var is null)
            throw new NotSupportedException($"ONNX export: module '{path}' (batch norm) keeps no running statistics, so it has no evaluation-mode form");
        using var scope = NewDisposeScope();
        var scale = bn.weight is null ? ones(bn.num_features) : (Tensor)bn.weight;
        var shift = bn.bias is null ? zeros(bn.num_features) : (Tensor)bn.bias;
        return Node("BatchNormalization",
            [x, Weight(scale, path + ".weight"), Weight(shift, path + ".bias"), Weight(bn.running_mean, path + ".running_mean"), Weight(bn.running_var, path + ".running_var")],
            Float("epsilon", bn.eps));
    }

    // ResNet's basic block: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)).
    private string ResidualBlock(Module<Tensor, Tensor> block, string x, string path)
    {
        var parts = block.named_children().ToDictionary(c => c.name, c => Child(c.module, $"{path}.{c.name}"));
        var y = x;
        foreach (var name in new[] { "conv1", "bn1", "relu", "conv2", "bn2" }) y = Emit(parts[name], y, $"{path}.{name}");
        var shortcut = parts.TryGetValue("downsample", out var d) ? Emit(d, x, $"{path}.downsample") : x;
        return Node("Relu", [Node("Add", [y, shortcut])]);
    }

    public string Node(string op, string[] inputs, params P.AttributeProto[] attributes)
    {
        var output = $"{op.ToLowerInvariant()}_{counter++}";
        var node = new P.NodeProto { OpType = op, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return output;
    }

    /// <summary>Renames the value <paramref name="from"/> (a node's output) to <paramref name="to"/>.</summary>
    public void Rename(string from, string to)
    {
        foreach (var node in Graph.Node)
            for (int i = 0; i < node.Output.Count; i++)
                if (node.Output[i] == from) node.Output[i] = to;
    }

    // An initializer holding the tensor's values (float32, on the CPU), named after the module's state-dict key.
    private string Weight(Tensor t, string name)
    {
        if (Graph.Initializer.Any(i => i.Name == name)) name = $"{name}_{counter++}";
        using var scope = NewDisposeScope();
        var cpu = t.detach().to(ScalarType.Float32).cpu().contiguous();
        var values = cpu.data<float>().ToArray();
        var proto = new P.TensorProto { Name = name, DataType = (int)P.TensorProto.Types.DataType.Float };
        proto.Dims.AddRange(cpu.shape);
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        proto.RawData = ByteString.CopyFrom(bytes);
        Graph.Initializer.Add(proto);
        return name;
    }

    // PyTorch's symmetric (H, W) padding as ONNX's (begin H, begin W, end H, end W).
    private static long[] Pads(long[] p) => p.Length == 1 ? [p[0], p[0], p[0], p[0]] : [p[0], p[1], p[0], p[1]];

    private static P.AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = P.AttributeProto.Types.AttributeType.Int, I = value };

    private static P.AttributeProto Float(string name, double value) =>
        new() { Name = name, Type = P.AttributeProto.Types.AttributeType.Float, F = (float)value };

    private static P.AttributeProto Ints(string name, IEnumerable<long> values)
    {
        var a = new P.AttributeProto { Name = name, Type = P.AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }
}
