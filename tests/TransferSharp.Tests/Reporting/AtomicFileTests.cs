using TransferSharp.Reporting;

namespace TransferSharp.Tests.Reporting;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ts-atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void WriteAllText_replaces_the_file_and_leaves_no_temp()
    {
        string path = Path.Combine(_dir, "metrics.json");
        File.WriteAllText(path, "old content that is longer");

        AtomicFile.WriteAllText(path, "{\"accuracy\": 0.9}");

        Assert.Equal("{\"accuracy\": 0.9}", File.ReadAllText(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(_dir));
    }

    [Fact]
    public void A_failing_writer_deletes_the_temp_and_keeps_the_old_file()
    {
        string path = Path.Combine(_dir, "out.bin");
        File.WriteAllText(path, "old");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.WriteByte(1);
            throw new InvalidOperationException("boom");
        }));

        Assert.Equal("old", File.ReadAllText(path));
        Assert.False(File.Exists(path + AtomicFile.TempSuffix));
    }

    [Fact]
    public void A_missing_directory_throws_and_creates_nothing()
    {
        string path = Path.Combine(_dir, "missing", "metrics.json");

        Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.WriteAllText(path, "x"));

        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }
}
