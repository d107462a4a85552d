using System;
using System.IO;
using System.Linq;
using System.Text;
using NormLab.Runtime.Native;
using Xunit;

namespace NormLab.Runtime.Tests;

public sealed class ElfVersionPatcherTests : IDisposable
{
    private const string Version = "GLIBCXX_3.4.32";
    private readonly string folder = Directory.CreateTempSubdirectory("normlab-elf-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Pristine_library_from_the_package_cache_requires_the_version_strictly()
    {
        Assert.Equal((ushort)0, ElfVersionPatcher.ReadVersionFlags(TestAssets.PristineLibTorchSharp(), Version));
    }

    [Fact]
    public void Marks_the_version_weak_changing_one_byte_and_keeping_the_time()
    {
        string original = TestAssets.PristineLibTorchSharp();
        string copy = CopyToFolder(original);
        var time = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(copy, time);

        Assert.Equal(PatchResult.Patched, ElfVersionPatcher.MarkVersionWeak(copy, Version));

        Assert.Equal(ElfVersionPatcher.VerFlagWeak, ElfVersionPatcher.ReadVersionFlags(copy, Version));
        byte[] before = File.ReadAllBytes(original);
        byte[] after = File.ReadAllBytes(copy);
        Assert.Equal(before.Length, after.Length);
        Assert.Single(Enumerable.Range(0, before.Length), i => before[i] != after[i]);
        Assert.Equal(time, File.GetLastWriteTimeUtc(copy));
        Assert.Equal((ushort)0, ElfVersionPatcher.ReadVersionFlags(original, Version));
    }

    [Fact]
    public void Second_run_reports_already_weak_and_leaves_the_bytes_identical()
    {
        string copy = CopyToFolder(TestAssets.PristineLibTorchSharp());
        Assert.Equal(PatchResult.Patched, ElfVersionPatcher.MarkVersionWeak(copy, Version));
        byte[] once = File.ReadAllBytes(copy);
        DateTime time = File.GetLastWriteTimeUtc(copy);

        Assert.Equal(PatchResult.AlreadyWeak, ElfVersionPatcher.MarkVersionWeak(copy, Version));

        Assert.Equal(once, File.ReadAllBytes(copy));
        Assert.Equal(time, File.GetLastWriteTimeUtc(copy));
    }

    [Fact]
    public void A_symbolic_link_is_replaced_not_written_through()
    {
        string target = CopyToFolder(TestAssets.PristineLibTorchSharp());
        string link = Path.Combine(folder, "link.so");
        File.CreateSymbolicLink(link, target);

        Assert.Equal(PatchResult.Patched, ElfVersionPatcher.MarkVersionWeak(link, Version));

        Assert.Null(new FileInfo(link).LinkTarget);
        Assert.Equal((ushort)0, ElfVersionPatcher.ReadVersionFlags(target, Version));
        Assert.Equal(ElfVersionPatcher.VerFlagWeak, ElfVersionPatcher.ReadVersionFlags(link, Version));
    }

    [Fact]
    public void A_version_the_library_does_not_require_is_not_found()
    {
        string copy = CopyToFolder(TestAssets.PristineLibTorchSharp());
        byte[] before = File.ReadAllBytes(copy);

        Assert.Equal(PatchResult.NotFound, ElfVersionPatcher.MarkVersionWeak(copy, "GLIBCXX_9.9.99"));
        Assert.Equal(PatchResult.NotFound, ElfVersionPatcher.MarkVersionWeak(copy, "GLIBCXX_3.4.3"));
        Assert.Equal(before, File.ReadAllBytes(copy));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(0x40)]
    [InlineData(4096)]
    [InlineData(1_000_000)]
    public void A_truncated_library_is_not_elf_and_is_left_alone(int length)
    {
        byte[] head = File.ReadAllBytes(TestAssets.PristineLibTorchSharp()).Take(length).ToArray();
        string path = Path.Combine(folder, "truncated.so");
        File.WriteAllBytes(path, head);

        Assert.Equal(PatchResult.NotElf, ElfVersionPatcher.MarkVersionWeak(path, Version));
        Assert.Equal(head, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_text_file_is_not_elf()
    {
        string path = Path.Combine(folder, "libLibTorchSharp.so");
        File.WriteAllText(path, "INPUT(-lLibTorchSharp)\n" + new string('x', 200));

        Assert.Equal(PatchResult.NotElf, ElfVersionPatcher.MarkVersionWeak(path, Version));
    }

    [Theory]
    [InlineData(4, 1)] // ELFCLASS32
    [InlineData(5, 2)] // big endian
    [InlineData(0x3A, 8)] // section header entries too small
    [InlineData(0x2F, 0x7F)] // section table far beyond the end
    public void A_damaged_header_is_not_elf(int offset, byte value)
    {
        byte[] image = File.ReadAllBytes(TestAssets.PristineLibTorchSharp());
        image[offset] = value;
        string path = Path.Combine(folder, "damaged.so");
        File.WriteAllBytes(path, image);

        Assert.Equal(PatchResult.NotElf, ElfVersionPatcher.MarkVersionWeak(path, Version));
        Assert.Equal(image, File.ReadAllBytes(path));
    }

    [Fact]
    public void Version_names_match_whole_strings_only()
    {
        string path = Path.Combine(folder, "fake-libstdc++.so.6");
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("\u007fELF\0GLIBCXX_3.4.30\0GLIBCXX_3.4.321\0"));

        Assert.True(ElfVersionPatcher.ContainsVersionName(path, "GLIBCXX_3.4.30"));
        Assert.False(ElfVersionPatcher.ContainsVersionName(path, "GLIBCXX_3.4.32"));
        Assert.False(ElfVersionPatcher.ContainsVersionName(path, "GLIBCXX_3.4.3"));
    }

    [Fact]
    public void Ldconfig_output_gives_this_architectures_library()
    {
        const string output =
            "1234 libs found in cache `/etc/ld.so.cache'\n" +
            "\tlibstdc++.so.6 (libc6) => /usr/lib32/libstdc++.so.6\n" +
            "\tlibstdc++.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libstdc++.so.6\n" +
            "\tlibstdc++.so.6 (libc6,AArch64) => /lib/aarch64-linux-gnu/libstdc++.so.6\n" +
            "\tlibstdc++fs.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libstdc++fs.so.6\n";

        string? picked = ElfVersionPatcher.PickLdconfigEntry(output, "libstdc++.so.6");

        string expected = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.Arm64 => "/lib/aarch64-linux-gnu/libstdc++.so.6",
            System.Runtime.InteropServices.Architecture.X64 => "/lib/x86_64-linux-gnu/libstdc++.so.6",
            _ => "/usr/lib32/libstdc++.so.6",
        };
        Assert.Equal(expected, picked);
        Assert.Null(ElfVersionPatcher.PickLdconfigEntry(output, "libfoo.so.1"));
    }

    [Fact]
    public void The_build_patched_the_output_copy_when_the_system_lacks_the_version()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        string? libStdCxx = ElfVersionPatcher.FindSystemLibStdCxx();
        Assert.NotNull(libStdCxx);
        bool systemHasIt = ElfVersionPatcher.ContainsVersionName(libStdCxx, Version);

        ushort expected = systemHasIt ? (ushort)0 : ElfVersionPatcher.VerFlagWeak;
        Assert.Equal(expected, ElfVersionPatcher.ReadVersionFlags(output, Version));
        Assert.Equal((ushort)0, ElfVersionPatcher.ReadVersionFlags(TestAssets.PristineLibTorchSharp(), Version));
    }

    private string CopyToFolder(string path) => TestAssets.CopyTo(path, folder);
}
