using PublicApiGenerator;
using TransferSharp.Data;
using TransferSharp.Reporting;

namespace TransferSharp.Tests;

/// <summary>
/// The public API of each library, frozen in PublicApi/&lt;assembly&gt;.approved.txt: a change to a public type or member
/// fails here until it is approved, so API changes are seen in review.
/// Approve: copy PublicApi/&lt;assembly&gt;.received.txt over the .approved.txt, or re-approve everything with
/// <c>APPROVE=1 dotnet test TransferSharp.slnx -c Release --filter "FullyQualifiedName~PublicApiTests"</c> (see <see cref="Approval"/>).
/// </summary>
public sealed class PublicApiTests
{
    // AssemblyMetadata (e.g. SourceLink's repository data) is not API.
    private static readonly ApiGeneratorOptions Options = new() { ExcludeAttributes = ["System.Reflection.AssemblyMetadataAttribute"] };

    [Fact]
    public void TransferSharp_public_api_is_approved() =>
        Approval.VerifyText("PublicApi", "TransferSharp", typeof(Dataset).Assembly.GeneratePublicApi(Options));

    [Fact]
    public void TransferSharp_Reporting_public_api_is_approved() =>
        Approval.VerifyText("PublicApi", "TransferSharp.Reporting", typeof(CurvePlot).Assembly.GeneratePublicApi(Options));
}
