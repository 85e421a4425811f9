using Blink.Workbench.Models;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Blink.Workbench.Tests.Models;

/// <summary>
/// Reads the compiled library (and the CLI) for the calls that let a garbage collection free a native Scalar while
/// libtorch still reads it (<see cref="TensorMath"/> explains the failure): an implicit number-to-Scalar conversion, a
/// Scalar created outside TensorMath, or a call to a TorchSharp member that creates a Scalar itself (found by reading
/// TorchSharp's own IL, so an upgrade that adds or removes such members is seen).
/// </summary>
public sealed class ScalarLifetimeTests
{
    private const string ScalarType = "TorchSharp.Scalar";
    private const string ScalarFactories = "TorchSharp.ScalarExtensionMethods";

    [Fact]
    public void TorchSharpMembersThatCreateScalarsAreFound()
    {
        // The members this test exists for, as TorchSharp 0.107 implements them: a + b is add(b, 1), square() is pow(2).
        var creating = TorchSharpScan.Value.CreatesScalar;
        Assert.Contains(creating, m => m.StartsWith("TorchSharp.torch/Tensor TorchSharp.torch/Tensor::op_Addition(TorchSharp.torch/Tensor,TorchSharp.torch/Tensor)", StringComparison.Ordinal));
        Assert.Contains(creating, m => m.StartsWith("TorchSharp.torch/Tensor TorchSharp.torch/Tensor::square()", StringComparison.Ordinal));
        Assert.Contains(creating, m => m.StartsWith("TorchSharp.torch/Tensor TorchSharp.torch/Tensor::add_(TorchSharp.torch/Tensor)", StringComparison.Ordinal));
        Assert.Contains(creating, m => m.StartsWith("TorchSharp.torch/Tensor TorchSharp.Modules.AdamW::step(", StringComparison.Ordinal));
        // And the ones that only pass the caller's Scalar on are not.
        Assert.DoesNotContain(creating, m => m.StartsWith("TorchSharp.torch/Tensor TorchSharp.torch/Tensor::add(TorchSharp.torch/Tensor,TorchSharp.Scalar)", StringComparison.Ordinal));
        Assert.DoesNotContain(creating, m => m.StartsWith("TorchSharp.torch/Tensor TorchSharp.torch/Tensor::mul(TorchSharp.Scalar)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Blink.Workbench.dll")]
    [InlineData("blink.dll")]
    public void NoScalarIsATemporaryOfANativeCall(string assemblyFile)
    {
        var path = Path.Combine(AppContext.BaseDirectory, assemblyFile);
        Assert.True(File.Exists(path), $"{path} is missing from the test output.");
        var creating = TorchSharpScan.Value.CreatesScalar;
        var problems = new List<string>();
        using var module = ModuleDefinition.ReadModule(path, new ReaderParameters { AssemblyResolver = Resolver() });
        foreach (var (method, callee, instruction) in Calls(module))
        {
            var owner = Outermost(method.DeclaringType).FullName;
            var where = $"{method.DeclaringType.FullName}::{method.Name} (IL_{instruction.Offset:x4})";
            var target = callee.DeclaringType.FullName;
            var code = instruction.OpCode.Code;
            if (target == ScalarType && callee.Name == "op_Implicit")
                problems.Add($"{where}: implicit conversion to Scalar ({callee.FullName}); use a TensorMath helper");
            else if (IsCreator(callee) && owner != typeof(TensorMath).FullName)
                problems.Add($"{where}: creates a Scalar outside TensorMath ({callee.FullName})");
            else if (IsCreator(callee) && !IsKept(method, instruction) && !ReturnedFromLambda(method, instruction))
                problems.Add($"{where}: a Scalar neither static, nor disposed after its use, nor handed to a cache ({callee.FullName})");
            else if (creating.Contains(Key(callee)))
                problems.Add($"{where}: {callee.FullName} creates a temporary Scalar inside TorchSharp; use a TensorMath helper");
            else if (!(callee.Name == ".ctor" && code != Code.Newobj) && CreatedTorchSharpType(callee) is { } made && EntryPointsCreatingScalars(made, creating).FirstOrDefault() is { } entry)
                problems.Add($"{where}: makes a {made.FullName}, whose {entry} creates temporary Scalars inside TorchSharp (Blink.Workbench.Training.AdamW replaces TorchSharp's)");
        }
        Assert.True(problems.Count == 0, $"{assemblyFile}: {problems.Count} call(s) pass a Scalar that nothing keeps alive to libtorch:\n" + string.Join("\n", problems));
    }

    private static readonly Lazy<(HashSet<string> CreatesScalar, int Methods)> TorchSharpScan = new(ScanTorchSharp);

    /// <summary>
    /// TorchSharp's methods that create a Scalar and pass it on without keeping it (directly, or through another such
    /// method), e.g. <c>operator +(Tensor, Tensor) → add(Tensor) → add(Tensor, 1)</c>. The factories themselves
    /// (implicit conversions, ToScalar) return the Scalar to their caller and are judged at the caller.
    /// </summary>
    private static (HashSet<string>, int) ScanTorchSharp()
    {
        var path = typeof(TorchSharp.Scalar).Assembly.Location;
        using var module = ModuleDefinition.ReadModule(path, new ReaderParameters { AssemblyResolver = Resolver() });
        var callers = new Dictionary<string, HashSet<string>>();
        var creating = new HashSet<string>();
        var methods = 0;
        foreach (var (method, callee, instruction) in Calls(module))
        {
            var key = Key(method);
            methods++;
            if (IsFactory(method)) continue;
            if (IsCreator(callee))
            {
                if (!IsKept(method, instruction)) creating.Add(key);
                continue;
            }
            var calleeKey = Key(callee);
            if (!callers.TryGetValue(calleeKey, out var set)) callers[calleeKey] = set = [];
            set.Add(key);
        }
        // Callers of a creating method create one too (operator + → add(Tensor) → add(Tensor, 1)).
        var queue = new Queue<string>(creating);
        while (queue.Count > 0)
        {
            var m = queue.Dequeue();
            if (!callers.TryGetValue(m, out var set)) continue;
            foreach (var c in set)
                if (creating.Add(c)) queue.Enqueue(c);
        }
        return (creating, methods);
    }

    /// <summary>The TorchSharp class a constructor or factory call returns (torch.optim.AdamW(…) → AdamW), if any.</summary>
    private static TypeDefinition? CreatedTorchSharpType(MethodReference callee)
    {
        var type = callee.Name == ".ctor" ? callee.DeclaringType : callee.ReturnType;
        if (type.Scope?.Name is not ("TorchSharp" or "TorchSharp.dll") || type.IsValueType || type.IsGenericParameter) return null;
        try
        {
            return type.Resolve();
        }
        catch (AssemblyResolutionException)
        {
            return null;
        }
    }

    /// <summary>
    /// The overrides reached only by virtual dispatch, which the call graph does not follow: an optimizer's <c>step</c>,
    /// a module's <c>forward</c> (the caller names the base member, the object decides what runs).
    /// </summary>
    private static IEnumerable<string> EntryPointsCreatingScalars(TypeDefinition type, HashSet<string> creating)
    {
        for (var t = type; t is not null && t.Module.Assembly.Name.Name == "TorchSharp"; t = t.BaseType?.Resolve())
            foreach (var m in t.Methods)
                if (m.IsVirtual && m.Name is "step" or "forward" && creating.Contains(Key(m)))
                    yield return $"{t.FullName}::{m.Name}";
    }

    private static bool IsFactory(MethodDefinition method) =>
        method.DeclaringType.FullName == ScalarFactories || (method.DeclaringType.FullName == ScalarType && method.Name is "op_Implicit" or ".ctor");

    private static bool IsCreator(MethodReference callee) =>
        callee.DeclaringType.FullName == ScalarFactories || (callee.DeclaringType.FullName == ScalarType && callee.Name is "op_Implicit" or ".ctor");

    /// <summary>
    /// The Scalar made at <paramref name="creation"/> outlives the calls it is passed to: stored in a static field, or in
    /// a local that the method disposes afterwards (a <c>using</c>: <c>ldloc n; callvirt Dispose</c>).
    /// </summary>
    private static bool IsKept(MethodDefinition method, Instruction creation)
    {
        var next = creation.Next;
        if (next is null) return false;
        if (next.OpCode.Code == Code.Stsfld) return true;
        if (LocalIndex(method, next, store: true) is not { } local) return false;
        return method.Body.Instructions.Any(i => LocalIndex(method, i, store: false) == local
            && i.Next?.Operand is MethodReference r && r.Name == "Dispose" && r.DeclaringType.FullName is ScalarType or "System.IDisposable");
    }

    /// <summary>A lambda of TensorMath that returns the new Scalar to the cache that keeps it (<see cref="TensorMath.Constant"/>).</summary>
    private static bool ReturnedFromLambda(MethodDefinition method, Instruction creation) =>
        creation.Next?.OpCode.Code == Code.Ret && method.DeclaringType.DeclaringType is not null && method.Name.Contains('<', StringComparison.Ordinal);

    private static int? LocalIndex(MethodDefinition method, Instruction i, bool store) => (i.OpCode.Code, store) switch
    {
        (Code.Stloc_0, true) or (Code.Ldloc_0, false) => 0,
        (Code.Stloc_1, true) or (Code.Ldloc_1, false) => 1,
        (Code.Stloc_2, true) or (Code.Ldloc_2, false) => 2,
        (Code.Stloc_3, true) or (Code.Ldloc_3, false) => 3,
        (Code.Stloc_S or Code.Stloc, true) or (Code.Ldloc_S or Code.Ldloc, false) => (i.Operand as VariableDefinition)?.Index,
        _ => null,
    };

    private static IEnumerable<(MethodDefinition Method, MethodReference Callee, Instruction Instruction)> Calls(ModuleDefinition module)
    {
        foreach (var type in module.GetTypes())
            foreach (var method in type.Methods)
            {
                if (!method.HasBody) continue;
                foreach (var instruction in method.Body.Instructions)
                    // ldftn: a lambda handed to a helper (AdamW.step's body is one) runs as if called here.
                    if (instruction.OpCode.Code is Code.Call or Code.Callvirt or Code.Newobj or Code.Ldftn or Code.Ldvirtftn && instruction.Operand is MethodReference callee)
                        yield return (method, callee, instruction);
            }
    }

    /// <summary>The member's identity across assemblies: declaring type, name and signature, generic arguments erased.</summary>
    private static string Key(MethodReference method)
    {
        var m = method is GenericInstanceMethod g ? g.ElementMethod : method;
        var type = m.DeclaringType is GenericInstanceType gt ? gt.ElementType : m.DeclaringType;
        return $"{m.ReturnType.FullName} {type.FullName}::{m.Name}({string.Join(",", m.Parameters.Select(p => p.ParameterType.FullName))})";
    }

    private static TypeDefinition Outermost(TypeDefinition type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        return type;
    }

    private static DefaultAssemblyResolver Resolver()
    {
        var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(AppContext.BaseDirectory);
        resolver.AddSearchDirectory(Path.GetDirectoryName(typeof(object).Assembly.Location)!);
        return resolver;
    }
}
