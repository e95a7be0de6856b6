using FlowBalance.Host.Tests.Admin;

namespace FlowBalance.Host.Tests.Support;

/// <summary>
/// The test assembly's entry point (in place of the test SDK's empty one), so a test can run part of
/// itself as a child process with <c>dotnet exec</c> (<see cref="StoreChild"/>). The test runner never calls it.
/// </summary>
public static class TestAssemblyMain
{
    public static int Main(string[] args)
    {
        if (args is [var command, var stateDirectory]) return StoreChild.Run(command, stateDirectory);
        Console.Error.WriteLine("a test assembly: run it with dotnet test");
        return 64;
    }
}
