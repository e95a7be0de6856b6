using System.Runtime.InteropServices;
using FlowBalance.Host.Hosting;

namespace FlowBalance.Host.Tests;

/// <summary>The periodic trim gives freed native heap pages back to the OS (real glibc, real RSS).</summary>
public sealed class NativeHeapTrimTests
{
    [Fact]
    public void Freed_native_memory_that_glibc_keeps_is_returned_to_the_os()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.False(NativeHeapTrim.TryTrim()); // malloc_trim is glibc's
            return;
        }
        // 64 MiB in 64 KiB blocks (under the mmap threshold, so from a malloc arena), every page touched;
        // then 15 of every 16 freed: the survivors pin the arena, so free() alone cannot shrink it.
        const int blocks = 1024, size = 64 * 1024;
        var memory = new IntPtr[blocks];
        for (var i = 0; i < blocks; i++)
        {
            memory[i] = Marshal.AllocHGlobal(size);
            for (var offset = 0; offset < size; offset += 4096) Marshal.WriteByte(memory[i], offset, 1);
        }
        for (var i = 0; i < blocks; i++)
            if (i % 16 != 0) Marshal.FreeHGlobal(memory[i]);

        var before = ResidentMegabytes();
        Assert.True(NativeHeapTrim.TryTrim());
        var after = ResidentMegabytes();

        for (var i = 0; i < blocks; i += 16) Marshal.FreeHGlobal(memory[i]);
        Assert.True(before - after >= 30, $"resident {before} MB before the trim, {after} MB after; 60 MB were free");
    }

    private static long ResidentMegabytes() =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:"))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
}
