using Psync.Cli;

// psync [options] SRC DST      keeps two trees in sync (see HelpText for every option)
// psync check [options] SRC DST compares two trees
return args.Length > 0 && args[0] == "check"
    ? await CheckCommand.MainAsync(args[1..])
    : await RunCommand.MainAsync(args);
