using System.IO.Compression;
using System.Text;
using TransferSharp.Data;

namespace TransferSharp.Tests.Data;

[Collection("Sequential")]
public sealed class CsvGzipTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    private static byte[] Gzip(string text) => TestBytes.Gzip(Encoding.UTF8.GetBytes(text));

    /// <summary>200 rows "i,i/2,label" with labels a, b, c in turn.</summary>
    private static string Table() =>
        "x,y,label\n" + string.Concat(Enumerable.Range(0, 200).Select(i => $"{i},{i * 0.5},{"abc"[i % 3]}\n"));

    private string Write(string name, byte[] bytes)
    {
        var path = dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void A_gzipped_csv_reads_like_the_plain_file()
    {
        using var plain = Csv.Read(Write("table.csv", Encoding.UTF8.GetBytes(Table())));
        using var packed = Csv.Read(Write("table.csv.gz", Gzip(Table())));

        Assert.Equal("table", packed.Name);
        Assert.Equal([200L, 2], packed.Inputs.shape);
        Assert.Equal(["a", "b", "c"], packed.ClassNames);
        Assert.Equal(plain.Inputs.data<float>().ToArray(), packed.Inputs.data<float>().ToArray());
        Assert.Equal(plain.LabelArray(), packed.LabelArray());
        Assert.Equal(199f * 0.5f, packed.Inputs[199, 1].item<float>());
    }

    [Fact]
    public void Catalog_loads_a_csv_gz_path()
    {
        var path = Write("t.csv.gz", Gzip(Table()));
        using var data = Catalog.Load(path + ":a,c");
        Assert.Equal(["a", "c"], data.ClassNames);
        Assert.Equal(133, data.Count); // rows 0, 3, ..., 198 (a: 67) and 2, 5, ..., 197 (c: 66)
    }

    [Theory]
    [InlineData(0.5)]   // cut in the middle of the compressed rows
    [InlineData(0.97)]  // cut near the end
    [InlineData(-4)]    // only the last 4 bytes (the length field of the trailer) missing
    [InlineData(-8)]    // the whole trailer missing: every row decompresses, the end is never confirmed
    public void A_truncated_csv_gz_gives_one_clean_error_naming_the_file(double cut)
    {
        var gz = Gzip(Table());
        int length = cut < 0 ? gz.Length + (int)cut : (int)(gz.Length * cut);
        var path = Write("cut.csv.gz", gz[..length]);
        var e = Assert.Throws<InvalidDataException>(() => Csv.Read(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains("corrupt or truncated gzip data", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(e.Message, Assert.Throws<InvalidDataException>(() => Catalog.Load(path)).Message);
    }

    [Fact]
    public void Corrupt_gzip_bytes_are_named_too()
    {
        var gz = Gzip(Table());
        for (int i = 20; i < 40; i++) gz[i] ^= 0x5A; // scramble the start of the deflate stream
        var path = Write("bad.csv.gz", gz);
        var e = Assert.Throws<InvalidDataException>(() => Csv.Read(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains("gzip", e.Message);
    }

    [Fact]
    public void Crc32_matches_the_standard_check_value() =>
        Assert.Equal(0xCBF43926u, TransferSharp.Data.Gzip.Crc32("123456789"u8)); // the CRC-32 catalogue's check value
}
