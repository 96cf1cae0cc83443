using TransferSharp.Cli.Rendering;

namespace TransferSharp.Tests.Cli;

public sealed class EtaFormatTests
{
    [Theory]
    [InlineData(0, "00:00")]
    [InlineData(59.4, "00:59")]
    [InlineData(61, "01:01")]
    [InlineData(3599, "59:59")]
    [InlineData(3600, "1:00:00")]
    [InlineData(2 * 3600 + 5 * 60 + 7, "2:05:07")]      // mm\:ss showed 05:07
    [InlineData(30 * 3600 + 1, "30:00:01")]             // past a day: hours keep counting
    [InlineData(-5, "00:00")]
    public void Hours_are_kept(double seconds, string expected) =>
        Assert.Equal(expected, ProgressBar.Eta(TimeSpan.FromSeconds(seconds)));
}
