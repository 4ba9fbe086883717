// Every test starts several silo and front-end processes; run side by side on a small machine they starve each
// other past their start and idle timeouts, so the classes run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
