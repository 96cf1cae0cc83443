using System.Text;

namespace TransferSharp.Models.Onnx;

/// <summary>A tensor stored in an ONNX file (an initializer or a constant attribute), as float32.</summary>
internal sealed record OnnxTensor(string Name, long[] Dims, float[] Data);

/// <summary>One attribute of a node: the numeric and string forms ONNX uses for convolutions, pooling and norms.</summary>
internal sealed record OnnxAttribute(string Name, long? Int, float? Float, long[] Ints, float[] Floats, string? Text, OnnxTensor? Tensor);

/// <summary>One operation of the graph.</summary>
internal sealed record OnnxNode(string Name, string OpType, string[] Inputs, string[] Outputs, IReadOnlyDictionary<string, OnnxAttribute> Attributes)
{
    public long[] Ints(string name) => Attributes.TryGetValue(name, out var a) ? a.Ints : [];
    public float? Float(string name) => Attributes.TryGetValue(name, out var a) ? a.Float : null;
}

/// <summary>The graph of an ONNX model: nodes in topological order, initializers by name, graph inputs and outputs.</summary>
internal sealed record OnnxGraph(IReadOnlyList<OnnxNode> Nodes, IReadOnlyDictionary<string, OnnxTensor> Initializers, string[] Inputs, string[] Outputs);

/// <summary>
/// A minimal reader of the ONNX protobuf format (onnx.proto3): just the messages needed to take weights out of a
/// model (ModelProto.graph, GraphProto.node/initializer/input/output, NodeProto, AttributeProto, TensorProto with
/// float data, raw or not). Hand-written rather than generated, so the library needs no protobuf dependency; unknown
/// fields are skipped as the wire format allows.
/// </summary>
internal static class OnnxProto
{
    public static OnnxGraph ReadModel(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: ONNX model not found", path);
        var bytes = File.ReadAllBytes(path);
        try
        {
            OnnxGraph? graph = null;
            foreach (var f in Fields(bytes))
                if (f.Number == 7 && f.Wire == 2) graph = ReadGraph(f.Bytes);
            return graph ?? throw new InvalidDataException($"{path}: no graph in this ONNX model");
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException)
        {
            throw new InvalidDataException($"{path}: not a readable ONNX model (truncated or not protobuf): {e.Message}");
        }
    }

    private static OnnxGraph ReadGraph(ReadOnlyMemory<byte> data)
    {
        var nodes = new List<OnnxNode>();
        var inits = new Dictionary<string, OnnxTensor>();
        var inputs = new List<string>();
        var outputs = new List<string>();
        foreach (var f in Fields(data))
            switch (f.Number)
            {
                case 1: nodes.Add(ReadNode(f.Bytes)); break;
                case 5: var t = ReadTensor(f.Bytes); inits[t.Name] = t; break;
                case 11: inputs.Add(ValueInfoName(f.Bytes)); break;
                case 12: outputs.Add(ValueInfoName(f.Bytes)); break;
            }
        return new OnnxGraph(nodes, inits, inputs.ToArray(), outputs.ToArray());
    }

    private static string ValueInfoName(ReadOnlyMemory<byte> data)
    {
        foreach (var f in Fields(data)) if (f.Number == 1) return Text(f.Bytes);
        return "";
    }

    private static OnnxNode ReadNode(ReadOnlyMemory<byte> data)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        string name = "", op = "";
        var attrs = new Dictionary<string, OnnxAttribute>();
        foreach (var f in Fields(data))
            switch (f.Number)
            {
                case 1: inputs.Add(Text(f.Bytes)); break;
                case 2: outputs.Add(Text(f.Bytes)); break;
                case 3: name = Text(f.Bytes); break;
                case 4: op = Text(f.Bytes); break;
                case 5: var a = ReadAttribute(f.Bytes); attrs[a.Name] = a; break;
            }
        return new OnnxNode(name, op, inputs.ToArray(), outputs.ToArray(), attrs);
    }

    private static OnnxAttribute ReadAttribute(ReadOnlyMemory<byte> data)
    {
        string name = "";
        long? i = null;
        float? fl = null;
        string? s = null;
        OnnxTensor? t = null;
        var ints = new List<long>();
        var floats = new List<float>();
        foreach (var f in Fields(data))
            switch (f.Number, f.Wire)
            {
                case (1, 2): name = Text(f.Bytes); break;
                case (2, 5): fl = BitConverter.Int32BitsToSingle((int)f.Value); break;
                case (3, 0): i = (long)f.Value; break;
                case (4, 2): s = Text(f.Bytes); break;
                case (5, 2): t = ReadTensor(f.Bytes); break;
                case (7, 5): floats.Add(BitConverter.Int32BitsToSingle((int)f.Value)); break;
                case (7, 2): floats.AddRange(PackedFloats(f.Bytes.Span)); break;
                case (8, 0): ints.Add((long)f.Value); break;
                case (8, 2): ints.AddRange(PackedVarints(f.Bytes)); break;
            }
        return new OnnxAttribute(name, i, fl, ints.ToArray(), floats.ToArray(), s, t);
    }

    private static OnnxTensor ReadTensor(ReadOnlyMemory<byte> data)
    {
        var dims = new List<long>();
        int type = 0;
        string name = "";
        float[]? values = null;
        var floatData = new List<float>();
        foreach (var f in Fields(data))
            switch (f.Number, f.Wire)
            {
                case (1, 0): dims.Add((long)f.Value); break;
                case (1, 2): dims.AddRange(PackedVarints(f.Bytes)); break;
                case (2, 0): type = (int)f.Value; break;
                case (4, 5): floatData.Add(BitConverter.Int32BitsToSingle((int)f.Value)); break;
                case (4, 2): floatData.AddRange(PackedFloats(f.Bytes.Span)); break;
                case (8, 2): name = Text(f.Bytes); break;
                case (9, 2): values = type == 1 ? PackedFloats(f.Bytes.Span) : null; break;
            }
        // data_type 1 is FLOAT; raw_data may come before data_type in the stream, so look again.
        if (values is null && type == 1)
            foreach (var f in Fields(data))
                if (f.Number == 9 && f.Wire == 2) values = PackedFloats(f.Bytes.Span);
        values ??= floatData.ToArray();
        long expected = dims.Aggregate(1L, (a, b) => a * b);
        if (type == 1 && values.Length != expected)
            throw new InvalidDataException($"tensor '{name}' has {values.Length} values for shape ({string.Join(", ", dims)})");
        return new OnnxTensor(name, dims.ToArray(), values);
    }

    private static float[] PackedFloats(ReadOnlySpan<byte> span)
    {
        var result = new float[span.Length / 4];
        for (int k = 0; k < result.Length; k++) result[k] = BitConverter.ToSingle(span.Slice(k * 4, 4));
        return result;
    }

    private static IEnumerable<long> PackedVarints(ReadOnlyMemory<byte> data)
    {
        int pos = 0;
        var list = new List<long>();
        while (pos < data.Length) list.Add((long)Varint(data.Span, ref pos));
        return list;
    }

    private static string Text(ReadOnlyMemory<byte> data) => Encoding.UTF8.GetString(data.Span);

    private readonly record struct Field(int Number, int Wire, ulong Value, ReadOnlyMemory<byte> Bytes);

    private static List<Field> Fields(ReadOnlyMemory<byte> data)
    {
        var fields = new List<Field>();
        int pos = 0;
        var span = data.Span;
        while (pos < data.Length)
        {
            ulong key = Varint(span, ref pos);
            int number = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: fields.Add(new Field(number, wire, Varint(span, ref pos), default)); break;
                case 1: fields.Add(new Field(number, wire, BitConverter.ToUInt64(span.Slice(pos, 8)), default)); pos += 8; break;
                case 2:
                    int length = checked((int)Varint(span, ref pos));
                    fields.Add(new Field(number, wire, 0, data.Slice(pos, length)));
                    pos += length;
                    break;
                case 5: fields.Add(new Field(number, wire, BitConverter.ToUInt32(span.Slice(pos, 4)), default)); pos += 4; break;
                default: throw new InvalidDataException($"unsupported protobuf wire type {wire} at byte {pos}");
            }
        }
        return fields;
    }

    private static ulong Varint(ReadOnlySpan<byte> span, ref int pos)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = span[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new InvalidDataException("malformed protobuf varint");
    }
}
