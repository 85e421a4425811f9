using System.Security.Cryptography;

namespace Blink.Workbench.Evaluation;

/// <summary>
/// Short unique ids for <c>answer_id</c>, in the same shape as Python's <c>shortuuid.uuid()</c> (22 characters of the
/// 57-letter alphabet without look-alikes), so answer files look like LLaVA's. Pass a seeded <see cref="Random"/> for
/// reproducible files (tests, fixtures); without one the ids come from the OS generator.
/// </summary>
public static class ShortId
{
    public const string Alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    public const int Length = 22;

    public static string New(Random? random = null)
    {
        Span<char> chars = stackalloc char[Length];
        for (int i = 0; i < Length; i++)
            chars[i] = Alphabet[random?.Next(Alphabet.Length) ?? RandomNumberGenerator.GetInt32(Alphabet.Length)];
        return new string(chars);
    }
}
