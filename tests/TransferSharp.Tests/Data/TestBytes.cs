using System.Buffers.Binary;
using System.IO.Compression;

namespace TransferSharp.Tests.Data;

/// <summary>File contents the reader tests write: IDX images and labels, and gzip.</summary>
internal static class TestBytes
{
    /// <summary>An IDX ubyte image file of <paramref name="n"/> images of h x w; pixel i of image k is <paramref name="pixel"/>(k, i).</summary>
    public static byte[] IdxImages(int n, int h, int w, Func<int, int, byte> pixel)
    {
        var bytes = new byte[16 + n * h * w];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 0x00000803);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), n);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), h);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), w);
        for (int k = 0; k < n; k++)
            for (int i = 0; i < h * w; i++) bytes[16 + k * h * w + i] = pixel(k, i);
        return bytes;
    }

    /// <summary>An IDX ubyte label file holding <paramref name="labels"/>.</summary>
    public static byte[] IdxLabels(params byte[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 0x00000801);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    /// <summary><paramref name="data"/> gzip-compressed.</summary>
    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Optimal)) gz.Write(data);
        return output.ToArray();
    }
}
