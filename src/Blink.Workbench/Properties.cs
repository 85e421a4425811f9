using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Blink.Workbench.Tests")]
