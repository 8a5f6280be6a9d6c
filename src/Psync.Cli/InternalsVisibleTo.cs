using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Psync.Engine.Tests")]
