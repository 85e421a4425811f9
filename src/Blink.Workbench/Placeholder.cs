namespace Blink.Workbench; public static class Placeholder {}
