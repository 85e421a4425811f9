namespace Blink.Workbench.Text;

/// <summary>A tokenizer folder is missing something the model needs or its files contradict each other.</summary>
public sealed class TokenizerFormatException(string message) : Exception(message);
