using System.CommandLine;
using Blink.Cli.Commands;

var root = new RootCommand("Blink Workbench: dynamic visual token resolution (Blink) for LLaVA-style models — study, train, evaluate, teach.");
foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
return await root.Parse(args).InvokeAsync();
