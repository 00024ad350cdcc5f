using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RexNet.Tests.Support;

namespace RexNet.Tests.Docs;

/// <summary>
/// The README's library snippet compiles as written: as the Program.cs of a new console project (its implicit
/// usings, nullable on) that references the library, seeing only its public API. Compiled in memory with
/// Roslyn, so it takes seconds, not a project build.
/// </summary>
public partial class ReadmeSnippetTests
{
    /// <summary>What `dotnet new console` puts in scope.</summary>
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    [GeneratedRegex(@"### The library API\s+```csharp\n(?<code>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex LibrarySnippet();

    [Fact]
    public void TheLibrarySnippetCompilesAgainstThePublicApi()
    {
        string readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md"));
        var match = LibrarySnippet().Match(readme);
        Assert.True(match.Success, "README.md has no ```csharp block right under '### The library API'");

        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var cancel = TestContext.Current.CancellationToken;
        var compilation = CSharpCompilation.Create("ReadmeSnippet",
            [CSharpSyntaxTree.ParseText(match.Groups["code"].Value, parse, "README.md", cancellationToken: cancel),
             CSharpSyntaxTree.ParseText(ImplicitUsings, parse, cancellationToken: cancel)],
            References(),
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var assembly = new MemoryStream();
        var result = compilation.Emit(assembly, cancellationToken: cancel);
        var problems = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()).ToArray();
        Assert.True(result.Success && problems.Length == 0, string.Join("\n", problems));
    }

    /// <summary>The runtime's own assemblies and the library with everything it references, as a package
    /// reference would give a consumer.</summary>
    private static IEnumerable<MetadataReference> References()
    {
        string runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var library = new Dictionary<string, string>(StringComparer.Ordinal);
        var pending = new Stack<System.Reflection.Assembly>([typeof(RexNetEngine).Assembly]);
        while (pending.TryPop(out var assembly))
        {
            if (Path.GetDirectoryName(assembly.Location) == runtime || !library.TryAdd(assembly.GetName().Name!, assembly.Location))
            {
                continue;
            }
            foreach (var name in assembly.GetReferencedAssemblies())
            {
                pending.Push(System.Reflection.Assembly.Load(name));
            }
        }
        return Directory.GetFiles(runtime, "*.dll")
            .Where(IsManagedAssembly)
            .Concat(library.Values)
            .Select(path => MetadataReference.CreateFromFile(path));
    }

    private static bool IsManagedAssembly(string path)
    {
        try
        {
            System.Reflection.AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
