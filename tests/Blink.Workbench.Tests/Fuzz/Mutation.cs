using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Blink.Workbench.Tests.Fuzz;

/// <summary>What a mutation does to a seed. Byte-level kinds apply to every format; the others to the format's structure.</summary>
public enum MutationKind
{
    Truncate,
    FlipBit,
    SetByte,
    InsertBytes,
    DeleteBytes,
    DuplicateChunk,
    OverwriteInteger,
    /// <summary>Replaces one JSON value (anywhere in the tree) with an extreme number, another type, a huge string, deep nesting.</summary>
    JsonReplaceValue,
    /// <summary>Removes one property or array element.</summary>
    JsonRemove,
    /// <summary>Rewrites an image header's width and height (valid checksum), so extreme dimensions reach the decoder.</summary>
    ImageSize,
}

/// <summary>
/// One step of a mutation plan. <see cref="Where"/> selects the position (taken modulo the input's length or its number
/// of JSON values), <see cref="Value"/> the byte, length or entry of a table of extreme values. Plain numbers, so
/// FsCheck can print, replay and shrink a plan.
/// </summary>
public sealed record Mutation(MutationKind Kind, int Where, int Value)
{
    public override string ToString() => $"{Kind}({Where},{Value})";

    /// <summary>Integers that break parsers: zero, signs, type limits, just past them.</summary>
    internal static readonly long[] ExtremeIntegers =
    [
        0, 1, -1, 2, 255, 256, 65535, 65536, int.MaxValue, int.MinValue, (long)int.MaxValue + 1, uint.MaxValue,
        long.MaxValue, long.MinValue, 100_000, 1L << 40, -100_000, 16384, 16385, 8192,
    ];

    /// <summary>JSON texts that replace a value: extremes, wrong types, huge and deep values.</summary>
    internal static readonly string[] ExtremeJson =
    [
        "0", "-1", "1e400", "-1e400", "9223372036854775808", "-9223372036854775809", "2147483648", "4294967296",
        "1.5", "-0.0", "1e-400", "null", "true", "\"\"", "\"x\"", "\"-1\"", "\"NaN\"", "[]", "{}", "[null]", "[[]]",
        "{\"a\":1}", "\"" + new string('a', 70_000) + "\"", new string('[', 70) + new string(']', 70),
        "[" + string.Join(",", Enumerable.Repeat("1", 5000)) + "]", "\"\\u0000\"", "\"../../etc/passwd\"", "\"<image>\"",
        "\"\\ud800\"", "123456789012345678901234567890",
    ];

    /// <summary>Applies the mutation; a mutation that does not fit the input (JSON step on a broken document) leaves it as is.</summary>
    public byte[] Apply(byte[] input, FuzzStructure structure)
    {
        switch (Kind)
        {
            case MutationKind.JsonReplaceValue or MutationKind.JsonRemove:
                return ApplyToJsonPart(input, structure);
            case MutationKind.ImageSize:
                return structure == FuzzStructure.Image ? ImageHeaders.SetSize(input, Where, Value) : input;
        }
        if (input.Length == 0)
            return Kind == MutationKind.InsertBytes ? Filler(1 + Math.Abs(Value % 64)) : input;
        int at = Math.Abs(Where % input.Length);
        switch (Kind)
        {
            case MutationKind.Truncate:
                return input[..at];
            case MutationKind.FlipBit:
            {
                var copy = (byte[])input.Clone();
                copy[at] ^= (byte)(1 << Math.Abs(Value % 8));
                return copy;
            }
            case MutationKind.SetByte:
            {
                var copy = (byte[])input.Clone();
                byte[] interesting = [0x00, 0xFF, 0x7F, 0x80, (byte)'"', (byte)'{', (byte)'}', (byte)'\n', (byte)',', (byte)'\\', (byte)'9', (byte)'-'];
                copy[at] = interesting[Math.Abs(Value % interesting.Length)];
                return copy;
            }
            case MutationKind.InsertBytes:
            {
                var insert = Filler(1 + Math.Abs(Value % 64));
                return [.. input[..at], .. insert, .. input[at..]];
            }
            case MutationKind.DeleteBytes:
            {
                int length = Math.Min(1 + Math.Abs(Value % 64), input.Length - at);
                return [.. input[..at], .. input[(at + length)..]];
            }
            case MutationKind.DuplicateChunk:
            {
                int length = Math.Min(1 + Math.Abs(Value % 256), input.Length - at);
                return [.. input[..(at + length)], .. input[at..]];
            }
            case MutationKind.OverwriteInteger:
            {
                var copy = (byte[])input.Clone();
                long value = ExtremeIntegers[Math.Abs(Value % ExtremeIntegers.Length)];
                Span<byte> bytes = stackalloc byte[8];
                // Even choices little-endian (safetensors, BMP, GIF), odd ones big-endian (PNG, JPEG); 4 or 8 bytes.
                if ((Value & 1) == 0) BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
                else BinaryPrimitives.WriteInt64BigEndian(bytes, value);
                int width = (Value & 2) == 0 ? 4 : 8;
                var source = (Value & 1) == 0 ? bytes[..width] : bytes[(8 - width)..];
                for (int i = 0; i < width && at + i < copy.Length; i++)
                    copy[at + i] = source[i];
                return copy;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null);
        }
    }

    private byte[] Filler(int length)
    {
        var bytes = new byte[length];
        uint state = (uint)(Value * 2654435761u) | 1;
        for (int i = 0; i < length; i++)
        {
            state ^= state << 13; state ^= state >> 17; state ^= state << 5;
            bytes[i] = (byte)state;
        }
        return bytes;
    }

    private byte[] ApplyToJsonPart(byte[] input, FuzzStructure structure)
    {
        switch (structure)
        {
            case FuzzStructure.Json:
                return MutateJsonText(input) ?? input;
            case FuzzStructure.JsonLines:
            {
                var text = Encoding.UTF8.GetString(input);
                var lines = text.Split('\n');
                int index = Math.Abs(Where % Math.Max(1, lines.Length));
                var mutated = MutateJsonText(Encoding.UTF8.GetBytes(lines[index]));
                if (mutated is null) return input;
                lines[index] = Encoding.UTF8.GetString(mutated);
                return Encoding.UTF8.GetBytes(string.Join('\n', lines));
            }
            case FuzzStructure.Safetensors:
            {
                if (input.Length < 8) return input;
                ulong length = BinaryPrimitives.ReadUInt64LittleEndian(input);
                if (length > (ulong)(input.Length - 8)) return input;
                var header = input[8..(8 + (int)length)];
                var mutated = MutateJsonText(header);
                if (mutated is null) return input;
                var result = new byte[8 + mutated.Length + input.Length - 8 - (int)length];
                BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)mutated.Length);
                mutated.CopyTo(result, 8);
                input.AsSpan(8 + (int)length).CopyTo(result.AsSpan(8 + mutated.Length));
                return result;
            }
            default:
                return input;
        }
    }

    /// <summary>Null when the text is no longer JSON (an earlier byte mutation broke it).</summary>
    private byte[]? MutateJsonText(byte[] utf8)
    {
        try
        {
            return MutateJsonTree(utf8);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or FormatException)
        {
            // System.Text.Json reports invalid UTF-8 inside strings only when the value is read (InvalidOperationException).
            return null;
        }
    }

    private byte[]? MutateJsonTree(byte[] utf8)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
        if (root is null) return null;
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var target = nodes[Math.Abs(Where % nodes.Count)];
        var parent = target.Parent;
        if (Kind == MutationKind.JsonRemove)
        {
            if (parent is JsonObject o) o.Remove(target.GetPropertyName());
            else if (parent is JsonArray a) a.Remove(target);
            else return "{}"u8.ToArray();
        }
        else
        {
            var replacement = JsonNode.Parse(ExtremeJson[Math.Abs(Value % ExtremeJson.Length)], documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
            if (parent is JsonObject o) o[target.GetPropertyName()] = replacement;
            else if (parent is JsonArray a) a[a.IndexOf(target)] = replacement;
            else root = replacement;
        }
        try
        {
            return Encoding.UTF8.GetBytes(root?.ToJsonString() ?? "null");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    private static void Collect(JsonNode node, List<JsonNode> into)
    {
        into.Add(node);
        if (node is JsonObject o)
            foreach (var (_, child) in o)
                if (child is not null) Collect(child, into);
        if (node is JsonArray a)
            foreach (var child in a)
                if (child is not null) Collect(child, into);
    }
}
