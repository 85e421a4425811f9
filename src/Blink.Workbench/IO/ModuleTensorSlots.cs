using System.Reflection;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Blink.Workbench.IO;

/// <summary>
/// Puts a new tensor in place of a module's parameter or buffer, the way TorchSharp's own <c>Module.to()</c> does it:
/// through the module's public property of that name when it has one (Linear, Embedding, LayerNorm, Conv2d: the
/// setter re-registers and releases the old tensor), otherwise by re-registering under the same name and pointing
/// every field that held the old tensor at the new one (our modules keep parameters in snake_case fields).
/// TorchSharp 0.107 has no public API for this (<c>register_parameter</c> refuses an existing name), so the protected
/// <c>ConditionallyRegisterParameter</c>/<c>ConditionallyRegisterBuffer</c> are called by reflection; the loader's
/// tests fail loudly if a TorchSharp upgrade changes them.
/// </summary>
internal static class ModuleTensorSlots
{
    private const BindingFlags InstanceMembers = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    private static readonly MethodInfo RegisterParameterMethod =
        typeof(nn.Module).GetMethod("ConditionallyRegisterParameter", InstanceMembers, [typeof(string), typeof(Parameter)])
        ?? throw new MissingMethodException("TorchSharp's nn.Module.ConditionallyRegisterParameter(string, Parameter) is gone; update ModuleTensorSlots.");

    private static readonly MethodInfo RegisterBufferMethod =
        typeof(nn.Module).GetMethod("ConditionallyRegisterBuffer", InstanceMembers, [typeof(string), typeof(Tensor), typeof(bool)])
        ?? throw new MissingMethodException("TorchSharp's nn.Module.ConditionallyRegisterBuffer(string, Tensor, bool) is gone; update ModuleTensorSlots.");

    public static void ReplaceParameter(nn.Module owner, string name, Parameter old, Parameter replacement)
    {
        if (!TrySetProperty(owner, name, replacement, typeof(Parameter)))
        {
            RegisterParameterMethod.Invoke(owner, [name, replacement]);
            RetargetFields(owner, old, replacement);
        }
        if (!old.IsInvalid) old.Dispose();
    }

    public static void ReplaceBuffer(nn.Module owner, string name, Tensor old, Tensor replacement, bool persistent)
    {
        if (!TrySetProperty(owner, name, replacement, typeof(Tensor)))
        {
            RegisterBufferMethod.Invoke(owner, [name, replacement, persistent]);
            RetargetFields(owner, old, replacement);
        }
        if (!old.IsInvalid) old.Dispose();
    }

    private static bool TrySetProperty(nn.Module owner, string name, Tensor value, Type valueType)
    {
        var property = owner.GetType().GetProperties(BindingFlags.Instance | BindingFlags.Public)
            .FirstOrDefault(p => p.Name == name && p.CanWrite && p.PropertyType.IsAssignableFrom(valueType) && p.GetIndexParameters().Length == 0);
        if (property is null) return false;
        property.SetValue(owner, value);
        return true;
    }

    private static void RetargetFields(nn.Module owner, Tensor old, Tensor replacement)
    {
        var handle = old.Handle;
        for (var type = owner.GetType(); type is not null && type != typeof(nn.Module); type = type.BaseType)
        {
            foreach (var field in type.GetFields(InstanceMembers | BindingFlags.DeclaredOnly))
            {
                if (field.GetValue(owner) is Tensor held && !held.IsInvalid && held.Handle == handle)
                    field.SetValue(owner, replacement);
            }
        }
    }
}
