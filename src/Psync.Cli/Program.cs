using Psync.Cli;

// psync [options] SRC DST      keeps two trees in sync (see HelpText for every option)
// psync check [options] SRC DST compares two trees
// psync conflicts [options] SRC DST lists the pair's conflicts
// psync flush [--url URL] PAIR  asks the web appliance to sync a pair now and waits until it is idle
return args.Length > 0 && args[0] == "check" ? await CheckCommand.MainAsync(args[1..])
    : args.Length > 0 && args[0] == "conflicts" ? await ConflictsCommand.MainAsync(args[1..])
    : args.Length > 0 && args[0] == "flush" ? await FlushCommand.MainAsync(args[1..])
    : await RunCommand.MainAsync(args);
